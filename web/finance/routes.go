// Package finance is the home of the finance pages: the partner's Finance
// menu — the account pricing (O-7), Orders and invoices (M-6), the finance
// settings: billing contact, payment settings, balance notification (S-2,
// S-4, S-5) — and the operator's finance console (M-8).
package finance

import (
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Handlers serves the Finance pages.
type Handlers struct {
	Accounts  *account.Store
	Catalog   *catalog.Store
	Contracts *contract.Store
	Billing   *billing.Service
	Ledger    *ledger.Store
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
	r.With(h.Guard.Can(auth.OrderVouchers)).Get("/finance/balance", a.H(h.balance))
	inv := r.With(h.Guard.Can(auth.SeeInvoices))
	inv.Get("/finance/invoices", a.H(h.invoices))
	inv.Get("/finance/invoices/month-to-date", a.H(h.monthToDate))
	inv.Get("/finance/documents/{number}", a.H(h.document))
	con := r.With(h.Guard.Can(auth.ManageBilling))
	con.Get("/operator/finance/invoices", a.H(h.console))
	con.Get("/operator/finance/invoices.csv", a.H(h.consoleCSV))
	con.Get("/operator/finance/invoices/{number}", a.H(h.consoleInvoice))
	con.Post("/operator/finance/invoices/{number}/payments", a.H(h.recordPayment))
	con.Get("/operator/finance/documents/{number}", a.H(h.consoleDocument))
	con.Get("/operator/finance/close", a.H(h.closeStatus))
	con.Post("/operator/finance/close", a.H(h.runClose))

	nav.Add(false, "nav.finance", layout.NavItem{LabelID: "nav.pricing", Href: "/finance/pricing"})
	nav.Add(true, "nav.console", layout.NavItem{LabelID: "console.title", Href: "/operator/finance/invoices",
		Allowed: auth.Allows(auth.ManageBilling)})
	nav.Add(false, "nav.finance", layout.NavItem{LabelID: "billing.menu", Href: "/finance/invoices",
		Allowed: auth.Allows(auth.SeeInvoices)})
	nav.Add(false, "nav.finance", layout.NavItem{LabelID: "nav.balance", Href: "/finance/balance",
		Allowed: auth.Allows(auth.OrderVouchers)})
	nav.Add(false, "nav.finance", layout.NavItem{LabelID: "nav.finance_settings", Href: "/finance/settings",
		Allowed: auth.Allows(auth.ManageFinance)})
}
