package signin

import (
	"errors"
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// ForgotPage is the view model of the "forgot password" form.
type ForgotPage struct {
	Login   string
	ErrorID string
	Sent    bool
}

// ResetPage is the view model of the "set a new password" form.
type ResetPage struct {
	Token        string
	PasswordErr  string
	ConfirmErr   string
	Invalid      bool
	MinLength    int
	MaxLength    int
	PasswordData map[string]any
}

func (h *Handlers) forgotShow(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, forgotView(ForgotPage{}))
}

func (h *Handlers) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page := ForgotPage{Login: f.Text("login")}
	if page.ErrorID = f.Errs.ID("login"); page.ErrorID == "" && page.Login == "" {
		page.ErrorID = "form.required"
	}
	if page.ErrorID != "" {
		return layout.Render(w, r, http.StatusUnprocessableEntity, forgotView(page))
	}
	if err := h.Auth.RequestReset(r.Context(), page.Login, httpx.ClientIP(r)); err != nil {
		return err
	}
	page.Sent = true
	return layout.Render(w, r, http.StatusOK, forgotView(page))
}

func newResetPage(token string) ResetPage {
	return ResetPage{Token: token, PasswordData: map[string]any{"Min": auth.MinPasswordLen, "Max": auth.MaxPasswordLen}}
}

func (h *Handlers) resetShow(w http.ResponseWriter, r *http.Request) error {
	page := newResetPage(r.URL.Query().Get("token"))
	if err := h.Auth.CheckResetToken(r.Context(), page.Token); errors.Is(err, auth.ErrResetLinkInvalid) {
		page.Invalid = true
		return layout.Render(w, r, http.StatusNotFound, resetView(page))
	} else if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, resetView(page))
}

func (h *Handlers) resetSubmit(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page := newResetPage(f.Text("token"))
	password, confirm := f.Text("password"), f.Text("confirm")
	page.PasswordErr, page.ConfirmErr = f.Errs.ID("password"), f.Errs.ID("confirm")
	if page.ConfirmErr == "" && password != confirm {
		page.ConfirmErr = "auth.password_mismatch"
	}
	if page.PasswordErr != "" || page.ConfirmErr != "" {
		return layout.Render(w, r, http.StatusUnprocessableEntity, resetView(page))
	}
	err = f.Do(func() error { return h.Auth.ResetPassword(r.Context(), page.Token, password, httpx.ClientIP(r)) })
	switch {
	case !f.OK(): // only the hidden token can be refused here: the link is then invalid
		page.Invalid = true
		return layout.Render(w, r, http.StatusNotFound, resetView(page))
	case errors.Is(err, auth.ErrResetLinkInvalid):
		page.Invalid = true
		return layout.Render(w, r, http.StatusNotFound, resetView(page))
	case errors.Is(err, auth.ErrPasswordTooShort), errors.Is(err, auth.ErrPasswordTooLong):
		page.PasswordErr = "auth.password_length"
		return layout.Render(w, r, http.StatusUnprocessableEntity, resetView(page))
	case err != nil:
		return err
	}
	httpx.SetFlash(w, r, "auth.password_set")
	return httpx.Redirect(w, r, "/login")
}
