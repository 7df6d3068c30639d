package quote

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/quote"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// pageSize is how many quotes a page lists.
const pageSize = 50

// ListPage is the view model of Finance → Quotes: the saved quotes,
// and the quick view of the selected one with its actions.
type ListPage struct {
	Quotes    []quote.Quote
	Next      int64 // the id to list before on the next page; 0: none
	Selected  *quote.Quote
	Now       time.Time
	Send      SendForm
	SalesList string // where purchase order documents go
	// Refusal is a message about the selected quote's action, shown over
	// its quick view (the refused purchase order).
	Refusal string
}

// SendForm is the quick view's send form as typed.
type SendForm struct {
	To, Lang string
	Errs     valid.Errors
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	page, err := h.listPage(r, nil)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, listView(page))
}

// show is the list with the quick view of quote {id}.
func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	q, err := h.loadQuote(r)
	if err != nil {
		return err
	}
	page, err := h.listPage(r, &q)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, listView(page))
}

// listPage loads a page of the signed-in partner's quotes (before the
// query's "before" id) around the selected quote.
func (h *Handlers) listPage(r *http.Request, selected *quote.Quote) (ListPage, error) {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	qs, err := h.Quotes.List(ctx, quote.Filter{PartnerID: p.PartnerID, Before: before, Limit: pageSize + 1})
	if err != nil {
		return ListPage{}, err
	}
	page := ListPage{Quotes: qs, Selected: selected, Now: h.Clock.Now(), Send: SendForm{Lang: p.Language, Errs: valid.Errors{}}}
	if len(qs) > pageSize {
		page.Quotes, page.Next = qs[:pageSize], qs[pageSize-1].ID
	}
	if selected != nil {
		if page.SalesList, err = h.Quotes.SalesMailingList(ctx); err != nil {
			return page, err
		}
	}
	return page, nil
}

// loadQuote reads quote {id} of the signed-in partner (another partner's
// is not found).
func (h *Handlers) loadQuote(r *http.Request) (quote.Quote, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return quote.Quote{}, err
	}
	return h.Quotes.Get(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id)
}

// OperatorPage is the view model of a partner's quotes as operator Sales
// sees them: read only.
type OperatorPage struct {
	Partner account.Partner
	Quotes  []quote.Quote
	Next    int64
	Now     time.Time
}

// operatorList lists partner {id}'s quotes for operator Sales.
func (h *Handlers) operatorList(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	partner, err := h.Accounts.Partner(r.Context(), id)
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	qs, err := h.Quotes.List(r.Context(), quote.Filter{PartnerID: id, Before: before, Limit: pageSize + 1})
	if err != nil {
		return err
	}
	page := OperatorPage{Partner: partner, Quotes: qs, Now: h.Clock.Now()}
	if len(qs) > pageSize {
		page.Quotes, page.Next = qs[:pageSize], qs[pageSize-1].ID
	}
	return layout.Render(w, r, http.StatusOK, operatorListView(page))
}
