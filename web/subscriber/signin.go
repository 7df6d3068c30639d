package subscriber

import (
	"errors"
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// LoginPage is the view model of the subscriber sign-in form.
type LoginPage struct {
	Email     string
	Next      string
	ErrorID   string
	ErrorData map[string]any
	Errs      valid.Errors
}

func (h *Handlers) loginShow(w http.ResponseWriter, r *http.Request) error {
	next := localNext(r.URL.Query().Get("next"))
	if subscriber.From(r.Context()) != nil {
		return httpx.Redirect(w, r, next)
	}
	return layout.Render(w, r, http.StatusOK, loginView(LoginPage{Next: next, Errs: valid.Errors{}}))
}

func (h *Handlers) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page := LoginPage{Email: f.Text("email"), Next: localNext(f.Text("next")), Errs: f.Errs}
	password := f.Text("password")
	var token string
	err = f.Do(func() (err error) {
		token, err = h.Subscribers.Login(r.Context(), page.Email, password, httpx.ClientIP(r), sessionToken(r))
		return err
	})
	var locked *auth.LockedError
	status := 0
	switch _, invalid := httpx.Invalid(err); {
	case invalid:
		page.ErrorID, status = "form.fix_below", http.StatusUnprocessableEntity
	case errors.As(err, &locked):
		page.ErrorID, status = "subscriber.locked", http.StatusTooManyRequests
		page.ErrorData = map[string]any{"Until": i18n.From(r.Context()).DateTime(locked.Until)}
	case errors.Is(err, auth.ErrTooManyFromAddress):
		page.ErrorID, status = "subscriber.too_many_attempts", http.StatusTooManyRequests
	case errors.Is(err, subscriber.ErrInvalidCredentials):
		page.ErrorID, status = "subscriber.invalid_login", http.StatusUnauthorized
	case errors.Is(err, subscriber.ErrNotVerified):
		page.ErrorID, status = "subscriber.not_verified", http.StatusForbidden
	case err != nil:
		return err
	}
	if status != 0 {
		return layout.Render(w, r, status, loginView(page))
	}
	h.setSession(w, token)
	if sub, err := h.Subscribers.Lookup(r.Context(), token); err == nil {
		h.Cookies.SetLanguage(w, sub.Language) // pages follow the subscriber's language
	}
	return httpx.Redirect(w, r, page.Next)
}

func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) error {
	if sub := subscriber.From(r.Context()); sub != nil {
		if err := h.Subscribers.Logout(r.Context(), sub, sessionToken(r), httpx.ClientIP(r)); err != nil {
			return err
		}
	}
	h.clearSession(w)
	httpx.SetFlash(w, r, "subscriber.logged_out")
	return httpx.Redirect(w, r, "/secure/login")
}

// languageSet keeps the chosen language on the signed-in subscriber (their
// emails too) and in the language cookie.
func (h *Handlers) languageSet(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	lang, back := f.Text("lang"), f.Text("back")
	if !f.OK() || !i18n.Supported(lang) {
		return httpx.ErrBadInput
	}
	if sub := subscriber.From(r.Context()); sub != nil {
		if err := h.Subscribers.SetLanguage(r.Context(), sub, lang, httpx.ClientIP(r)); err != nil {
			return err
		}
	}
	h.Cookies.SetLanguage(w, lang)
	return httpx.Redirect(w, r, localNext(back))
}
