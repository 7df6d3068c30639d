package subscriber

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// SignupPage is the view model of the subscriber sign-up form.
type SignupPage struct {
	Name     string
	Email    string
	Language string
	Next     string
	Errs     valid.Errors
	ErrorID  string
}

// PasswordRule is the data of the password hint.
func (SignupPage) PasswordRule() map[string]any {
	return map[string]any{"Min": auth.MinPasswordLen, "Max": auth.MaxPasswordLen}
}

// VerifyPage is the view model of the verification page.
type VerifyPage struct {
	Token   string
	Invalid bool
}

func (h *Handlers) signupShow(w http.ResponseWriter, r *http.Request) error {
	page := SignupPage{Language: i18n.From(r.Context()).Lang(), Next: localNext(r.URL.Query().Get("next")), Errs: valid.Errors{}}
	return layout.Render(w, r, http.StatusOK, signupView(page))
}

func (h *Handlers) signupSubmit(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page := SignupPage{Name: f.Text("name"), Email: f.Text("email"), Language: f.Text("language"), Next: localNext(f.Text("next"))}
	in := subscriber.SignUp{Name: page.Name, Email: page.Email, Password: f.Text("password"), Confirm: f.Text("confirm"),
		Language: page.Language, Next: page.Next}
	err = f.Do(func() error { return h.Subscribers.SignUp(r.Context(), in, httpx.ClientIP(r)) })
	if errs, ok := httpx.Invalid(err); ok {
		page.Errs, page.ErrorID = errs, "form.fix_below"
		return layout.Render(w, r, http.StatusUnprocessableEntity, signupView(page))
	}
	if errors.Is(err, subscriber.ErrTooManySignUps) {
		page.Errs, page.ErrorID = valid.Errors{}, "subscriber.too_many"
		return layout.Render(w, r, http.StatusTooManyRequests, signupView(page))
	}
	if err != nil {
		return err
	}
	return httpx.Redirect(w, r, "/secure/signup/sent")
}

func (h *Handlers) signupSent(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, sentView())
}

// verifyShow asks for a click before the link is used, so that a mail
// scanner fetching the link does not use it up.
func (h *Handlers) verifyShow(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if err := h.Subscribers.CheckVerifyToken(r.Context(), token); errors.Is(err, subscriber.ErrLinkInvalid) {
		return layout.Render(w, r, http.StatusNotFound, verifyView(VerifyPage{Invalid: true}))
	} else if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, verifyView(VerifyPage{Token: token}))
}

func (h *Handlers) verifySubmit(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	token := f.Text("token")
	var next string
	err = f.Do(func() (err error) {
		next, err = h.Subscribers.Verify(r.Context(), token, httpx.ClientIP(r))
		return err
	})
	if _, invalid := httpx.Invalid(err); invalid {
		return httpx.ErrBadInput
	}
	if errors.Is(err, subscriber.ErrLinkInvalid) {
		return layout.Render(w, r, http.StatusNotFound, verifyView(VerifyPage{Invalid: true}))
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "subscriber.verified")
	return httpx.Redirect(w, r, "/secure/login?next="+url.QueryEscape(localNext(next)))
}
