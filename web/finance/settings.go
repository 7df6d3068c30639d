package finance

import (
	"net/http"
	"strings"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// SettingsPage is the view model of the finance settings page.
type SettingsPage struct {
	Contact      account.BillingContact
	ContactSet   bool
	ContactValid bool                    // the (proposed) contact has every field invoices need
	Stored       account.PaymentSettings // what is saved: the status line says this
	Payment      account.PaymentSettings // what the form shows (the user's refused input, if any)
	PaymentErrs  valid.Errors
	Threshold    string
	NotifyEmails string
	NotifyErrs   valid.Errors
}

func (h *Handlers) settingsPage(r *http.Request) (SettingsPage, error) {
	p := auth.PrincipalFrom(r.Context())
	var page SettingsPage
	var err error
	if page.Contact, page.ContactSet, err = h.Accounts.BillingContact(r.Context(), p.PartnerID); err != nil {
		return page, err
	}
	if !page.ContactSet {
		if page.Contact, err = h.Accounts.ProposedBillingContact(r.Context(), p); err != nil {
			return page, err
		}
	}
	proposal := page.Contact
	proposal.Normalize()
	page.ContactValid = len(proposal.Validate()) == 0
	if page.Stored, err = h.Accounts.PaymentSettings(r.Context(), p.PartnerID); err != nil {
		return page, err
	}
	page.Payment = page.Stored
	n, err := h.Accounts.Notification(r.Context(), p.PartnerID)
	if n.Threshold != nil {
		page.Threshold = strings.TrimPrefix(n.Threshold.String(), "¥")
	}
	page.NotifyEmails = strings.Join(n.Emails, ", ")
	page.PaymentErrs, page.NotifyErrs = valid.Errors{}, valid.Errors{}
	return page, err
}

func (h *Handlers) settings(w http.ResponseWriter, r *http.Request) error {
	page, err := h.settingsPage(r)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, settingsView(page))
}

func (h *Handlers) paymentSave(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	ps := account.PaymentSettings{Allowed: f.List("allowed"), Default: f.Text("default")}
	err = f.Do(func() error {
		return h.Accounts.SavePaymentSettings(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, ps, httpx.Actor(r))
	})
	if errs, ok := httpx.Invalid(err); ok {
		page, err := h.settingsPage(r)
		if err != nil {
			return err
		}
		page.Payment, page.PaymentErrs = ps, errs
		return layout.Render(w, r, http.StatusUnprocessableEntity, settingsView(page))
	}
	return h.saved(w, r, err, "payment.saved")
}

func (h *Handlers) notificationSave(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	threshold, emails := f.Text("threshold"), f.Lines("notification_emails")
	errs := f.Errs
	n := account.Notification{}
	if v, present := errs.Yen("threshold", threshold, int64(account.MaxThreshold)); present && len(errs) == 0 {
		y := money.Yen(v)
		n.Threshold = &y
	}
	if _, refused := errs["notification_emails"]; !refused && strings.TrimSpace(emails) != "" {
		n.Emails = errs.EmailList("notification_emails", emails)
	}
	if len(errs) == 0 {
		err = h.Accounts.SaveNotification(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, n, httpx.Actor(r))
		if e, ok := httpx.Invalid(err); ok {
			errs, err = e, nil
		}
	}
	if len(errs) > 0 {
		page, perr := h.settingsPage(r)
		if perr != nil {
			return perr
		}
		page.Threshold, page.NotifyEmails, page.NotifyErrs = threshold, emails, errs
		return layout.Render(w, r, http.StatusUnprocessableEntity, settingsView(page))
	}
	return h.saved(w, r, err, "notify.saved")
}

// saved finishes a settings form: the error, or a flash and back to the page.
func (h *Handlers) saved(w http.ResponseWriter, r *http.Request, err error, flash string) error {
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, flash)
	return httpx.Redirect(w, r, "/finance/settings")
}
