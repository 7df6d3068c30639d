package operator

import (
	"errors"
	"net/http"

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

func (h *Handlers) identityShow(w http.ResponseWriter, r *http.Request) error {
	id, err := h.Issuer.Get(r.Context())
	if err != nil && !errors.Is(err, issuer.ErrNotSet) {
		return err
	}
	return layout.Render(w, r, http.StatusOK, identityView(IdentityPage{ID: id, Errs: valid.Errors{}}))
}

func (h *Handlers) identitySave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return httpx.ErrBadInput
	}
	f := r.PostForm
	id := issuer.Identity{NameJA: f.Get("name_ja"), NameEN: f.Get("name_en"), PostalCode: f.Get("postal_code"),
		AddressJA: f.Get("address_ja"), AddressEN: f.Get("address_en"), Phone: f.Get("phone"), Fax: f.Get("fax"),
		RegistrationNumber: f.Get("registration_number"), BankName: f.Get("bank_name"), BankBranch: f.Get("bank_branch"),
		BankBranchNumber: f.Get("bank_branch_number"), AccountType: f.Get("account_type"), AccountNumber: f.Get("account_number"),
		AccountHolder: f.Get("account_holder"), SalesMailingList: f.Get("sales_mailing_list")}
	err := h.Issuer.Save(r.Context(), id, httpx.Actor(r))
	if errs, ok := httpx.Invalid(err); ok {
		return layout.Render(w, r, http.StatusUnprocessableEntity, identityView(IdentityPage{ID: id, Errs: errs}))
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, "identity.saved")
	return httpx.Redirect(w, r, "/operator/identity")
}
