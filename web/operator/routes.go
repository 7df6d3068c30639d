// Package operator is the operator console in the foundation: the overview,
// partners, staff and (outside production) the test clock.
package operator

import (
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Handlers serves the operator console.
type Handlers struct {
	Accounts  *account.Store
	Sessions  auth.Sessions
	Clock     clock.Clock
	TestClock *clock.Test // nil in production: the clock page does not exist
	Adapter   *httpx.Adapter
	Guard     httpx.Guard
}

// Routes registers the console's pages on r and their links in nav.
func (h *Handlers) Routes(r chi.Router, nav *layout.Nav) {
	a := h.Adapter
	r.Route("/operator", func(r chi.Router) {
		r.Use(h.Guard.Operator())
		r.Get("/", a.H(h.overview))
		r.Get("/partners", a.H(h.partners))
		r.With(h.Guard.Operator(auth.RoleOpAdmin)).Get("/staff", a.H(h.staff))
		if h.TestClock != nil {
			clockPage := r.With(h.Guard.Operator(auth.RoleOpAdmin))
			clockPage.Get("/clock", a.H(h.clockShow))
			clockPage.Post("/clock", a.H(h.clockMove))
		}
	})
	isAdmin := func(p *auth.Principal) bool { return p.HasAny(auth.RoleOpAdmin) }
	nav.Add(true, "nav.console", layout.NavItem{LabelID: "nav.overview", Href: "/operator"})
	nav.Add(true, "nav.console", layout.NavItem{LabelID: "nav.partners", Href: "/operator/partners"})
	nav.Add(true, "nav.administration", layout.NavItem{LabelID: "nav.staff", Href: "/operator/staff", Allowed: isAdmin})
	if h.TestClock != nil {
		nav.Add(true, "nav.administration", layout.NavItem{LabelID: "nav.clock", Href: "/operator/clock", Allowed: isAdmin})
	}
}
