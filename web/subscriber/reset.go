package subscriber

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// resetRoutes registers the password reset pages: asking for a link by
// email, and setting a new password through it.
func (h *Handlers) resetRoutes(r chi.Router) {
	a := h.Adapter
	r.Get("/secure/password/forgot", a.H(h.forgotShow))
	r.Post("/secure/password/forgot", a.H(h.forgotSubmit))
	r.Get("/secure/password/reset", a.H(h.resetShow))
	r.Post("/secure/password/reset", a.H(h.resetSubmit))
}

// PasswordForgotPage is the view model of the "forgot your password" form
// and of its answer (Sent), which is the same whether the address has an
// account or not.
type PasswordForgotPage struct {
	Email   string
	Next    string
	Errs    valid.Errors
	ErrorID string
	Sent    bool
}

// Minutes is how long the emailed link works, for the answer.
func (PasswordForgotPage) Minutes() map[string]any {
	return map[string]any{"Minutes": int(subscriber.ResetLinkLifetime.Minutes())}
}

// PasswordResetPage is the view model of the "set a new password" form, or
// of the page of a link that no longer works (Invalid).
type PasswordResetPage struct {
	Token   string
	Errs    valid.Errors
	ErrorID string
	Invalid bool
}

// PasswordRule is the data of the password hint (the sign-up's).
func (PasswordResetPage) PasswordRule() map[string]any {
	return map[string]any{"Min": auth.MinPasswordLen, "Max": auth.MaxPasswordLen}
}

func (h *Handlers) forgotShow(w http.ResponseWriter, r *http.Request) error {
	page := PasswordForgotPage{Next: localNext(r.URL.Query().Get("next")), Errs: valid.Errors{}}
	return layout.Render(w, r, http.StatusOK, forgotPasswordView(page))
}

func (h *Handlers) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page := PasswordForgotPage{Email: f.Text("email"), Next: localNext(f.Text("next"))}
	err = f.Do(func() error { return h.Subscribers.RequestReset(r.Context(), page.Email, page.Next, httpx.ClientIP(r)) })
	if errs, ok := httpx.Invalid(err); ok {
		page.Errs, page.ErrorID = errs, "form.fix_below"
		return layout.Render(w, r, http.StatusUnprocessableEntity, forgotPasswordView(page))
	}
	if errors.Is(err, subscriber.ErrTooManyResets) {
		page.Errs, page.ErrorID = valid.Errors{}, "subscriber.reset_too_many"
		return layout.Render(w, r, http.StatusTooManyRequests, forgotPasswordView(page))
	}
	if err != nil {
		return err
	}
	page.Sent = true
	return layout.Render(w, r, http.StatusOK, forgotPasswordView(page))
}

// resetShow shows the form without using the link, so that a mail scanner
// fetching the link does not use it up.
func (h *Handlers) resetShow(w http.ResponseWriter, r *http.Request) error {
	page := PasswordResetPage{Token: r.URL.Query().Get("token"), Errs: valid.Errors{}}
	if err := h.Subscribers.CheckResetToken(r.Context(), page.Token); errors.Is(err, subscriber.ErrResetLinkInvalid) {
		return layout.Render(w, r, http.StatusNotFound, resetPasswordView(PasswordResetPage{Invalid: true}))
	} else if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, resetPasswordView(page))
}

func (h *Handlers) resetSubmit(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page := PasswordResetPage{Token: f.Text("token")}
	if f.Errs.ID("token") != "" { // a token holds no such bytes: the link is not one
		return layout.Render(w, r, http.StatusNotFound, resetPasswordView(PasswordResetPage{Invalid: true}))
	}
	password, confirm := f.Text("password"), f.Text("confirm")
	var next string
	err = f.Do(func() (err error) {
		next, err = h.Subscribers.ResetPassword(r.Context(), page.Token, password, confirm, httpx.ClientIP(r))
		return err
	})
	if errs, ok := httpx.Invalid(err); ok {
		page.Errs, page.ErrorID = errs, "form.fix_below"
		return layout.Render(w, r, http.StatusUnprocessableEntity, resetPasswordView(page))
	}
	if errors.Is(err, subscriber.ErrResetLinkInvalid) {
		return layout.Render(w, r, http.StatusNotFound, resetPasswordView(PasswordResetPage{Invalid: true}))
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "subscriber.password_reset_done")
	return httpx.Redirect(w, r, "/secure/login?next="+url.QueryEscape(localNext(next)))
}
