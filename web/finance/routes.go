// Package finance is the partner portal's Finance menu in this release:
// the account pricing page (O-7) and the finance settings — billing contact,
// payment settings and the balance notification (S-2, S-4, S-5).
package finance

import (
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Handlers serves the Finance pages.
type Handlers struct {
	Accounts  *account.Store
	Catalog   *catalog.Store
	Contracts *contract.Store
	Clock     clock.Clock
	Adapter   *httpx.Adapter
	Guard     httpx.Guard
}

// Routes registers the pages on r and their links in nav.
func (h *Handlers) Routes(r chi.Router, nav *layout.Nav) {
	a := h.Adapter
	r.With(h.Guard.Can(auth.UsePartnerPages)).Get("/finance/pricing", a.H(h.pricing))
	fin := r.With(h.Guard.Can(auth.ManageFinance))
	fin.Get("/finance/settings", a.H(h.settings))
	fin.Get("/finance/settings/billing", a.H(h.billingEdit))
	fin.Post("/finance/settings/billing", a.H(h.billingSave))
	fin.Post("/finance/settings/billing/confirm", a.H(h.billingConfirm))
	fin.Post("/finance/settings/payment", a.H(h.paymentSave))
	fin.Post("/finance/settings/notification", a.H(h.notificationSave))

	nav.Add(false, "nav.finance", layout.NavItem{LabelID: "nav.pricing", Href: "/finance/pricing"})
	nav.Add(false, "nav.finance", layout.NavItem{LabelID: "nav.finance_settings", Href: "/finance/settings",
		Allowed: auth.Allows(auth.ManageFinance)})
}
