// Package quote is the partner's quote pages (Finance → Quotes, Q-1 … Q-4):
// the new-quote form, the saved quotes with the quick view of one, its PDF,
// preview, sending and deletion, the refused purchase order; and the
// operator's read-only list of a partner's quotes.
package quote

import (
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/quote"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Handlers serves the quote pages.
type Handlers struct {
	Quotes   *quote.Service
	Accounts *account.Store
	I18n     *i18n.Bundle
	Clock    clock.Clock
	Adapter  *httpx.Adapter
	Guard    httpx.Guard
}

// Routes registers the pages on r and their link in nav.
func (h *Handlers) Routes(r chi.Router, nav *layout.Nav) {
	a := h.Adapter
	q := r.With(h.Guard.Can(auth.MakeQuotes))
	q.Get("/finance/quotes", a.H(h.list))
	q.Get("/finance/quotes/new", a.H(h.newForm))
	q.Post("/finance/quotes", a.H(h.create))
	q.Get("/finance/quotes/{id}", a.H(h.show))
	q.Get("/finance/quotes/{id}/quote.pdf", a.H(h.pdf))
	q.Get("/finance/quotes/{id}/preview", a.H(h.preview))
	q.Post("/finance/quotes/{id}/send", a.H(h.send))
	q.Get("/finance/quotes/{id}/delete", a.H(h.deleteConfirm))
	q.Post("/finance/quotes/{id}/delete", a.H(h.delete))
	q.Post("/finance/quotes/{id}/purchase-order", a.H(h.purchaseOrder))
	q.Get("/finance/quotes/{id}/order", a.H(h.orderForm))
	q.Post("/finance/quotes/{id}/order", a.H(h.order))
	sales := r.With(h.Guard.Can(auth.ReviewPartners))
	sales.Get("/operator/partners/{id}/quotes", a.H(h.operatorList))
	sales.Get("/operator/partners/{id}/quotes/{quote}/quote.pdf", a.H(h.operatorPDF))

	nav.Add(false, "nav.finance", layout.NavItem{LabelID: "quote.menu", Href: "/finance/quotes", Allowed: auth.Allows(auth.MakeQuotes)})
}
