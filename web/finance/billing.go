package finance

import (
	"net/http"
	"strings"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// BillingPage is the view model of the billing-contact form.
type BillingPage struct {
	C      account.BillingContact
	Emails string
	Errs   valid.Errors
}

func (h *Handlers) billingEdit(w http.ResponseWriter, r *http.Request) error {
	page, err := h.settingsPage(r)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, billingView(BillingPage{C: page.Contact, Emails: strings.Join(page.Contact.Emails, ", "), Errs: valid.Errors{}}))
}

// billingConfirm saves the proposed contact ("This is correct"); when it
// lacks required fields the form is shown with their messages.
func (h *Handlers) billingConfirm(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	c, err := h.Accounts.ProposedBillingContact(r.Context(), p)
	if err != nil {
		return err
	}
	return h.saveContact(w, r, c, strings.Join(c.Emails, ", "), valid.Errors{})
}

func (h *Handlers) billingSave(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	c := account.BillingContact{Name: f.Text("name"), Organization: f.Text("organization"), Phone: f.Text("phone"),
		Address: account.Address{Country: f.Text("country"), State: f.Text("state"), City: f.Text("city"),
			Line1: f.Text("address1"), Line2: f.Text("address2"), PostalCode: f.Text("postal_code")}}
	return h.saveContact(w, r, c, f.Lines("emails"), f.Errs)
}

// saveContact saves c with the typed email list, unless errs (the fields
// the form decoder refused) or the contact's own checks find a problem.
func (h *Handlers) saveContact(w http.ResponseWriter, r *http.Request, c account.BillingContact, emails string, errs valid.Errors) error {
	if _, refused := errs["emails"]; !refused {
		c.Emails = errs.EmailList("emails", emails)
	}
	var err error
	if len(errs) == 0 {
		err = h.Accounts.SaveBillingContact(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, c, httpx.Actor(r))
		if e, ok := httpx.Invalid(err); ok {
			errs, err = e, nil
		}
	} else {
		c.Normalize()
		errs.Merge(c.Validate())
	}
	if len(errs) > 0 {
		return layout.Render(w, r, http.StatusUnprocessableEntity, billingView(BillingPage{C: c, Emails: emails, Errs: errs}))
	}
	return h.saved(w, r, err, "billing.saved")
}
