package finance

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/layout"
)

// BalancePage is the view model of the balance history (B-3): the four
// figures, the last invoice, and one page of entries, newest first.
type BalancePage struct {
	Figures        ledger.Figures
	LastInvoice    *billing.Invoice
	Entries        []ledger.Entry
	Kind, From, To string
	Next           string // the query of the next (older) page; empty: none
	Errs           valid.Errors
}

func (h *Handlers) balance(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	q := r.URL.Query()
	page := BalancePage{Kind: q.Get("kind"), From: q.Get("from"), To: q.Get("to"), Errs: valid.Errors{}}
	f := ledger.Filter{Kind: ledger.Kind(page.Kind), Before: parseCursor(q.Get("before")), Limit: ledger.HistoryPage + 1}
	f.From, f.To = page.Errs.Period("from", page.From, "to", page.To)
	var err error
	if page.Figures, err = h.Ledger.Figures(r.Context(), p.PartnerID); err != nil {
		return err
	}
	if inv, found, err := h.Billing.LastInvoice(r.Context(), p.PartnerID); err != nil {
		return err
	} else if found {
		page.LastInvoice = &inv
	}
	if len(page.Errs) == 0 {
		if page.Entries, err = h.Ledger.History(r.Context(), p.PartnerID, f); err != nil {
			return err
		}
		if len(page.Entries) > ledger.HistoryPage {
			page.Entries = page.Entries[:ledger.HistoryPage]
			page.Next = page.query(ledger.CursorOf(page.Entries[len(page.Entries)-1]))
		}
	}
	return layout.Render(w, r, http.StatusOK, balanceView(page, h.Clock.Now()))
}

// query is the balance history's address with the page's filters, from
// cursor on.
func (p BalancePage) query(c ledger.Cursor) string {
	v := url.Values{}
	for k, s := range map[string]string{"kind": p.Kind, "from": p.From, "to": p.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	v.Set("before", c.At.UTC().Format(time.RFC3339Nano)+"_"+strconv.FormatInt(c.ID, 10))
	return "/finance/balance?" + v.Encode()
}

// parseCursor reads "<RFC 3339 time>_<id>"; anything else is the first page.
func parseCursor(s string) ledger.Cursor {
	at, id, ok := strings.Cut(s, "_")
	if !ok {
		return ledger.Cursor{}
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	n, nerr := strconv.ParseInt(id, 10, 64)
	if err != nil || nerr != nil || n <= 0 {
		return ledger.Cursor{}
	}
	return ledger.Cursor{At: t, ID: n}
}

func kindOptions() []layout.Option {
	var out []layout.Option
	for _, k := range ledger.Kinds {
		out = append(out, layout.Option{Value: string(k), LabelID: "ledger.kind." + string(k)})
	}
	return out
}
