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
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	in := account.Signup{
		Language: i18n.From(r.Context()).Lang(), FirstName: f.Text("first_name"), LastName: f.Text("last_name"),
		JobTitle: f.Text("job_title"), Email: f.Text("email"), Phone: f.Text("phone"), JobFunction: f.Text("job_function"),
		TrainingOptIn: f.Checked("training_opt_in", "yes"), CompanyName: f.Text("company_name"), Country: f.Text("country"),
		State: f.Text("state"), City: f.Text("city"), Street: f.Text("street"), PostalCode: f.Text("postal_code"),
	}
	err = f.Do(func() error {
		_, err := h.Accounts.SubmitSignup(r.Context(), in, httpx.Actor(r))
		return err
	})
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
