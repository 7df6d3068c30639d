// Package operator is the operator console in the foundation: the overview,
// partners, staff and (outside production) the test clock.
package operator

import (
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Handlers serves the operator console.
type Handlers struct {
	Accounts  *account.Store
	Catalog   *catalog.Store
	Contracts *contract.Store
	Issuer    *issuer.Store
	Ledger    *ledger.Store
	Sessions  auth.Sessions
	Clock     clock.Clock
	TestClock *clock.Test // nil in production: the clock page does not exist
	Adapter   *httpx.Adapter
	Guard     httpx.Guard
}

// Routes registers the console's pages on r and their links in nav.
func (h *Handlers) Routes(r chi.Router, nav *layout.Nav) {
	a := h.Adapter
	r.With(h.Guard.SignedIn).Post("/delivery/leave", a.H(h.deliveryLeave))
	r.Route("/operator", func(r chi.Router) {
		r.Use(h.Guard.Can(auth.UseConsole))
		r.Get("/", a.H(h.overview))
		r.Get("/partners", a.H(h.partners))
		sales := r.With(h.Guard.Can(auth.ReviewPartners))
		sales.Get("/signups", a.H(h.signupsList))
		sales.Get("/signups/{id}", a.H(h.signupShow))
		sales.Post("/signups/{id}/approve", a.H(h.signupApprove))
		sales.Post("/signups/{id}/reject", a.H(h.signupReject))
		sales.Get("/products", a.H(h.productsList))
		sales.Get("/products/new", a.H(h.productNew))
		sales.Get("/products/{id}", a.H(h.productEdit))
		sales.Post("/products/save", a.H(h.productSave))
		h.partnerRoutes(r)
		delivery := r.With(h.Guard.Can(auth.EnterPartnerAccount))
		delivery.Get("/delivery", a.H(h.deliveryList))
		delivery.Post("/delivery/{id}/enter", a.H(h.deliveryEnter))
		admin := r.With(h.Guard.Can(auth.AdministerOperator))
		admin.Get("/staff", a.H(h.staff))
		admin.Get("/identity", a.H(h.identityShow))
		admin.Post("/identity", a.H(h.identitySave))
		if h.TestClock != nil {
			clockPage := r.With(h.Guard.Can(auth.AdministerOperator))
			clockPage.Get("/clock", a.H(h.clockShow))
			clockPage.Post("/clock", a.H(h.clockMove))
		}
	})
	isAdmin, isSales := auth.Allows(auth.AdministerOperator), auth.Allows(auth.ReviewPartners)
	nav.Add(true, "nav.console", layout.NavItem{LabelID: "nav.overview", Href: "/operator"})
	nav.Add(true, "nav.console", layout.NavItem{LabelID: "nav.partners", Href: "/operator/partners"})
	nav.Add(true, "nav.console", layout.NavItem{LabelID: "nav.signups", Href: "/operator/signups", Allowed: isSales})
	nav.Add(true, "nav.console", layout.NavItem{LabelID: "nav.products", Href: "/operator/products", Allowed: isSales})
	nav.Add(true, "nav.console", layout.NavItem{LabelID: "nav.delivery", Href: "/operator/delivery",
		Allowed: auth.Allows(auth.EnterPartnerAccount)})
	nav.Add(true, "nav.administration", layout.NavItem{LabelID: "nav.staff", Href: "/operator/staff", Allowed: isAdmin})
	nav.Add(true, "nav.administration", layout.NavItem{LabelID: "nav.identity", Href: "/operator/identity", Allowed: isAdmin})
	if h.TestClock != nil {
		nav.Add(true, "nav.administration", layout.NavItem{LabelID: "nav.clock", Href: "/operator/clock", Allowed: isAdmin})
	}
}
