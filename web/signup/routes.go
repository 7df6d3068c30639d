// Package signup is the public sign-up form (O-1): an applicant applies for
// a partner account and gets a confirmation page and email.
package signup

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Handlers serves the sign-up pages.
type Handlers struct {
	Accounts *account.Store
	Adapter  *httpx.Adapter
}

// Routes registers the pages on r.
func (h *Handlers) Routes(r chi.Router) {
	r.Get("/signup", h.Adapter.H(h.show))
	r.Post("/signup", h.Adapter.H(h.submit))
	r.Get("/signup/done", h.Adapter.H(h.done))
}

// Page is the view model of the sign-up form.
type Page struct {
	In      account.Signup
	Errs    valid.Errors
	ErrorID string
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, formView(Page{In: account.Signup{Country: "JP"}, Errs: valid.Errors{}}))
}

func (h *Handlers) submit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return httpx.ErrBadInput
	}
	f := r.PostForm
	in := account.Signup{
		Language: i18n.From(r.Context()).Lang(), FirstName: f.Get("first_name"), LastName: f.Get("last_name"),
		JobTitle: f.Get("job_title"), Email: f.Get("email"), Phone: f.Get("phone"), JobFunction: f.Get("job_function"),
		TrainingOptIn: f.Get("training_opt_in") == "yes", CompanyName: f.Get("company_name"), Country: f.Get("country"),
		State: f.Get("state"), City: f.Get("city"), Street: f.Get("street"), PostalCode: f.Get("postal_code"),
	}
	_, err := h.Accounts.SubmitSignup(r.Context(), in, httpx.Actor(r))
	if errs, ok := httpx.Invalid(err); ok {
		return layout.Render(w, r, http.StatusUnprocessableEntity, formView(Page{In: in, Errs: errs}))
	}
	if errors.Is(err, account.ErrTooManySignups) {
		return layout.Render(w, r, http.StatusTooManyRequests, formView(Page{In: in, Errs: valid.Errors{}, ErrorID: "signup.too_many"}))
	}
	if err != nil {
		return err
	}
	return httpx.Redirect(w, r, "/signup/done")
}

func (h *Handlers) done(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, doneView())
}
