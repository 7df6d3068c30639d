package partner

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/i18n"
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
	f.From, f.To = page.Errs.Period("from", page.From, "to", page.To)
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

// singleObjects are the targets an account has one of: their id says nothing.
var singleObjects = []string{"billing_contact", "payment_settings", "partner", "operator_identity", "clock"}

// objectLabel names an entry's target for people: "Voucher order 15",
// "User acme-user", "Billing contact".
func objectLabel(ctx context.Context, e audit.Entry) string {
	if e.ObjectType == "" {
		return ""
	}
	label := i18n.T(ctx, "audit.object."+e.ObjectType)
	if name, ok := e.Details["username"].(string); ok && e.ObjectType == "user" {
		return label + " " + name
	}
	if slices.Contains(singleObjects, e.ObjectType) {
		return label
	}
	return label + " " + e.ObjectID
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
