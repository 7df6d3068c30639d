package operator

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// IdentityPage is the view model of the operator's details form.
type IdentityPage struct {
	ID   issuer.Identity
	Errs valid.Errors
}

// supportPhones is the support numbers as the form's text area shows them,
// one a line.
func (p IdentityPage) supportPhones() string { return strings.Join(p.ID.SupportPhones, "\n") }

func (h *Handlers) identityShow(w http.ResponseWriter, r *http.Request) error {
	id, err := h.Issuer.Get(r.Context())
	if err != nil && !errors.Is(err, issuer.ErrNotSet) {
		return err
	}
	return layout.Render(w, r, http.StatusOK, identityView(IdentityPage{ID: id, Errs: valid.Errors{}}))
}

func (h *Handlers) identitySave(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	id := issuer.Identity{NameJA: f.Text("name_ja"), NameEN: f.Text("name_en"), PostalCode: f.Text("postal_code"),
		AddressJA: f.Text("address_ja"), AddressEN: f.Text("address_en"), Phone: f.Text("phone"), Fax: f.Text("fax"),
		RegistrationNumber: f.Text("registration_number"), BankName: f.Text("bank_name"), BankBranch: f.Text("bank_branch"),
		BankBranchNumber: f.Text("bank_branch_number"), AccountType: f.Text("account_type"), AccountNumber: f.Text("account_number"),
		AccountHolder: f.Text("account_holder"), SalesMailingList: f.Text("sales_mailing_list"),
		SupportPhones: strings.Split(f.Lines("support_phones"), "\n"), SupportURL: f.Text("support_url"),
		SupportHoursJA: f.Text("support_hours_ja"), SupportHoursEN: f.Text("support_hours_en")}
	err = f.Do(func() error { return h.Issuer.Save(r.Context(), id, httpx.Actor(r)) })
	if errs, ok := httpx.Invalid(err); ok {
		return layout.Render(w, r, http.StatusUnprocessableEntity, identityView(IdentityPage{ID: id, Errs: errs}))
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "identity.saved")
	return httpx.Redirect(w, r, "/operator/identity")
}
