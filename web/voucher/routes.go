// Package voucher is the partner's voucher pages (Finance → Voucher codes)
// and the balance history: the order form, the order list and detail with
// cancel and reissue, and the four balance figures with their ledger.
package voucher

import (
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Handlers serves the voucher and balance pages.
type Handlers struct {
	Vouchers *voucher.Service
	Accounts *account.Store
	Ledger   *ledger.Store
	Issuer   *issuer.Store
	Clock    clock.Clock
	Adapter  *httpx.Adapter
	Guard    httpx.Guard
}

// Routes registers the pages on r and their links in nav.
func (h *Handlers) Routes(r chi.Router, nav *layout.Nav) {
	a := h.Adapter
	view := r.With(h.Guard.Can(auth.OrderVouchers))
	view.Get("/finance/vouchers", a.H(h.list))
	view.Get("/finance/vouchers/new", a.H(h.newForm))
	view.Post("/finance/vouchers", a.H(h.create))
	view.Get("/finance/vouchers/{id}", a.H(h.show))
	view.Get("/finance/vouchers/{id}/receipt", a.H(h.receipt))
	view.Get("/finance/vouchers/{id}/vouchers.pdf", a.H(h.orderPDF))
	view.Get("/finance/codes/{id}/voucher.pdf", a.H(h.codePDF))
	view.Get("/finance/vouchers.csv", a.H(h.ordersCSV))
	view.Get("/finance/vouchers/{id}/codes.csv", a.H(h.orderCodesCSV))
	view.Get("/finance/codes/used.csv", a.H(h.usedCodesCSV))
	change := r.With(h.Guard.Can(auth.ChangeVouchers))
	change.Get("/finance/vouchers/{id}/cancel", a.H(h.cancelConfirm))
	change.Post("/finance/vouchers/{id}/cancel", a.H(h.cancel))
	change.Get("/finance/codes/{id}/reissue", a.H(h.reissueConfirm))
	change.Post("/finance/codes/{id}/reissue", a.H(h.reissue))

	can := auth.Allows(auth.OrderVouchers)
	nav.Add(false, "nav.finance", layout.NavItem{LabelID: "nav.vouchers", Href: "/finance/vouchers", Allowed: can})
}
