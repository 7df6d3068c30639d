package signin

import (
	"errors"
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// LoginPage is the view model of the sign-in form.
type LoginPage struct {
	Username  string
	Next      string
	ErrorID   string
	ErrorData map[string]any
	Errs      valid.Errors // fields refused by the form decoder
}

func (h *Handlers) loginShow(w http.ResponseWriter, r *http.Request) error {
	if auth.PrincipalFrom(r.Context()) != nil {
		return httpx.Redirect(w, r, "/")
	}
	return layout.Render(w, r, http.StatusOK, loginView(LoginPage{Next: r.URL.Query().Get("next")}))
}

func (h *Handlers) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page := LoginPage{Username: f.Text("username"), Next: f.Text("next"), Errs: f.Errs}
	password := f.Text("password")
	var token string
	err = f.Do(func() (err error) {
		token, err = h.Auth.Login(r.Context(), page.Username, password, httpx.ClientIP(r), httpx.SessionToken(r))
		return err
	})
	if status, refused := h.refusal(r, err, &page); refused {
		return layout.Render(w, r, status, loginView(page))
	} else if err != nil {
		return err
	}
	h.Cookies.SetSession(w, token, auth.AbsoluteLifetime)
	return httpx.Redirect(w, r, httpx.LocalPath(page.Next, "/"))
}

// refusal fills page with the message for a refused sign-in and returns its
// status; refused is false for success and for unexpected errors.
func (h *Handlers) refusal(r *http.Request, err error, page *LoginPage) (status int, refused bool) {
	var locked *auth.LockedError
	switch _, invalid := httpx.Invalid(err); {
	case invalid:
		page.ErrorID = "form.fix_below"
		return http.StatusUnprocessableEntity, true
	case errors.As(err, &locked):
		page.ErrorID = "auth.locked"
		page.ErrorData = map[string]any{"Until": i18n.From(r.Context()).DateTime(locked.Until)}
		return http.StatusTooManyRequests, true
	case errors.Is(err, auth.ErrTooManyFromAddress):
		page.ErrorID = "auth.too_many_from_address"
		return http.StatusTooManyRequests, true
	case errors.Is(err, auth.ErrInvalidCredentials):
		page.ErrorID = "auth.invalid"
		return http.StatusUnauthorized, true
	}
	return 0, false
}

func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	if token := httpx.SessionToken(r); p != nil && token != "" {
		if err := h.Auth.Logout(r.Context(), p, token, httpx.ClientIP(r)); err != nil {
			return err
		}
	}
	h.Cookies.ClearSession(w)
	httpx.SetFlash(w, r, "auth.logged_out")
	return httpx.Redirect(w, r, "/login")
}

func (h *Handlers) languageSet(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	lang, back := f.Text("lang"), f.Text("back")
	if !f.OK() || !i18n.Supported(lang) {
		return httpx.ErrBadInput
	}
	if p := auth.PrincipalFrom(r.Context()); p != nil {
		if err := h.Accounts.SetLanguage(r.Context(), p, lang, httpx.ClientIP(r)); err != nil {
			return err
		}
	}
	h.Cookies.SetLanguage(w, lang)
	return httpx.Redirect(w, r, httpx.LocalPath(back, "/"))
}
