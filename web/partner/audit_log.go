package partner

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// AuditPage is the view model of the partner's audit log with its filter.
type AuditPage struct {
	From, To, Actor, Action string
	Actors                  []string
	Actions                 []string
	Entries                 []audit.Entry
	Errs                    valid.Errors
}

// auditLog lists the account's audit entries, filtered by date (Japan
// dates, both inclusive), user and action.
func (h *Handlers) auditLog(w http.ResponseWriter, r *http.Request) error {
	partnerID := auth.PrincipalFrom(r.Context()).PartnerID
	q := r.URL.Query()
	page := AuditPage{From: q.Get("from"), To: q.Get("to"), Actor: q.Get("user"), Action: q.Get("action"), Errs: valid.Errors{}}
	f := audit.Filter{PartnerID: partnerID, Actor: page.Actor, Action: audit.Action(page.Action), Limit: 500}
	if page.From != "" {
		f.From = page.Errs.Date("from", page.From)
	}
	if page.To != "" {
		if to := page.Errs.Date("to", page.To); !to.IsZero() {
			f.To = to.Add(24 * time.Hour)
		}
	}
	var err error
	if len(page.Errs) == 0 {
		if page.Entries, err = h.Accounts.Audit(r.Context(), f); err != nil {
			return err
		}
	}
	if page.Actions, page.Actors, err = h.Accounts.AuditChoices(r.Context(), partnerID); err != nil {
		return err
	}
	status := http.StatusOK
	if len(page.Errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return layout.Render(w, r, status, auditView(page))
}

func (h *Handlers) auditEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := h.Accounts.AuditEntry(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id)
	if err != nil {
		return err
	}
	details, err := json.MarshalIndent(e.Details, "", "  ")
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, auditEntryView(e, string(details)))
}
