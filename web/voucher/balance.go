package voucher

import (
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/layout"
)

// BalancePage is the view model of the balance history (B-3).
type BalancePage struct {
	Figures        ledger.Figures
	Entries        []ledger.Entry
	Kind, From, To string
	Errs           valid.Errors
}

func (h *Handlers) balance(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	q := r.URL.Query()
	page := BalancePage{Kind: q.Get("kind"), From: q.Get("from"), To: q.Get("to"), Errs: valid.Errors{}}
	f := ledger.Filter{Kind: ledger.Kind(page.Kind)}
	f.From, f.To = page.Errs.Period("from", page.From, "to", page.To)
	var err error
	if page.Figures, err = h.Ledger.Figures(r.Context(), p.PartnerID); err != nil {
		return err
	}
	if len(page.Errs) == 0 {
		if page.Entries, err = h.Ledger.History(r.Context(), p.PartnerID, f); err != nil {
			return err
		}
	}
	return layout.Render(w, r, http.StatusOK, balanceView(page))
}
