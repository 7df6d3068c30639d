package operator

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

func (h *Handlers) partnerRoutes(r chi.Router) {
	a := h.Adapter
	r.Get("/partners/{id}", a.H(h.partnerShow))
	r.Get("/partners/{id}/contract/{vid}", a.H(h.versionShow))
	sales := r.With(h.Guard.Can(auth.ReviewPartners))
	sales.Get("/partners/{id}/contract/new", a.H(h.contractNew))
	sales.Post("/partners/{id}/contract", a.H(h.contractCreate))
	sales.Post("/partners/{id}/consents", a.H(h.consentRecord))
	r.With(h.Guard.Can(auth.AdjustBalances)).Post("/partners/{id}/adjust", a.H(h.adjust))
}

// PartnerPage is the view model of a partner's page in the console.
type PartnerPage struct {
	Partner    account.Partner
	Versions   []contract.Version
	Consents   []account.Consent
	Consent    ConsentForm
	CanEdit    bool
	Figures    ledger.Figures
	CanAdjust  bool
	Adjustment AdjustForm
}

// AdjustForm is the typed input of operator Finance's balance adjustment.
type AdjustForm struct {
	Amount, Reason string
	Errs           valid.Errors
}

// ConsentForm is the typed input of the consent form.
type ConsentForm struct {
	SignedOn, ValidUntil, Note string
	Errs                       valid.Errors
}

func (h *Handlers) loadPartner(r *http.Request) (account.Partner, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return account.Partner{}, err
	}
	return h.Accounts.Partner(r.Context(), id)
}

func (h *Handlers) partnerPage(r *http.Request, form ConsentForm) (PartnerPage, error) {
	p, err := h.loadPartner(r)
	if err != nil {
		return PartnerPage{}, err
	}
	me := auth.PrincipalFrom(r.Context())
	page := PartnerPage{Partner: p, Consent: form, CanEdit: me.Can(auth.ReviewPartners), CanAdjust: me.Can(auth.AdjustBalances),
		Adjustment: AdjustForm{Errs: valid.Errors{}}}
	if page.Figures, err = h.Ledger.Figures(r.Context(), p.ID); err != nil {
		return page, err
	}
	if page.Versions, err = h.Contracts.Versions(r.Context(), p.ID); err != nil {
		return page, err
	}
	page.Consents, err = h.Accounts.Consents(r.Context(), p.ID)
	return page, err
}

func (h *Handlers) partnerShow(w http.ResponseWriter, r *http.Request) error {
	page, err := h.partnerPage(r, ConsentForm{Errs: valid.Errors{}})
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, partnerView(page, h.Clock.Now()))
}

func (h *Handlers) consentRecord(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	form := ConsentForm{SignedOn: f.Text("signed_on"), ValidUntil: f.Text("valid_until"), Note: f.Text("note"), Errs: f.Errs}
	c := account.Consent{SignedOn: form.Errs.Date("signed_on", form.SignedOn), ValidUntil: form.Errs.Date("valid_until", form.ValidUntil), Note: form.Note}
	if len(form.Errs) == 0 {
		p, perr := h.loadPartner(r)
		if perr != nil {
			return perr
		}
		_, err = h.Accounts.RecordConsent(r.Context(), p.ID, c, httpx.Actor(r))
		if errs, ok := httpx.Invalid(err); ok {
			form.Errs, err = errs, nil
		}
	}
	if err != nil {
		return err
	}
	if len(form.Errs) > 0 {
		page, err := h.partnerPage(r, form)
		if err != nil {
			return err
		}
		return layout.Render(w, r, http.StatusUnprocessableEntity, partnerView(page, h.Clock.Now()))
	}
	httpx.SetFlash(w, r, "consents.recorded")
	return httpx.Redirect(w, r, fmt.Sprintf("/operator/partners/%s", chi.URLParam(r, "id")))
}

func (h *Handlers) versionShow(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadPartner(r)
	if err != nil {
		return err
	}
	vid, err := httpx.PathID(r, "vid")
	if err != nil {
		return err
	}
	v, err := h.Contracts.Version(r.Context(), p.ID, vid)
	if err != nil {
		return err
	}
	products, err := h.Catalog.List(r.Context())
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, versionView(p, v, layout.NewPriceGrid(v, products)))
}

// adjust records operator Finance's manual adjustment of a partner's balance.
func (h *Handlers) adjust(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadPartner(r)
	if err != nil {
		return err
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	form := AdjustForm{Amount: f.Text("amount"), Reason: f.Text("reason"), Errs: f.Errs}
	amount, _ := form.Errs.Int("amount", form.Amount, -int64(ledger.MaxAdjustment), int64(ledger.MaxAdjustment))
	if len(form.Errs) == 0 {
		err = h.Ledger.Adjust(r.Context(), p.ID, money.Yen(amount), form.Reason, httpx.Actor(r))
		if errs, ok := httpx.Invalid(err); ok {
			form.Errs, err = errs, nil
		}
		if err != nil {
			return err
		}
	}
	if len(form.Errs) > 0 {
		page, err := h.partnerPage(r, ConsentForm{Errs: valid.Errors{}})
		if err != nil {
			return err
		}
		page.Adjustment = form
		return layout.Render(w, r, http.StatusUnprocessableEntity, partnerView(page, h.Clock.Now()))
	}
	httpx.SetFlash(w, r, "ledger.adjusted")
	return httpx.Redirect(w, r, fmt.Sprintf("/operator/partners/%d", p.ID))
}
