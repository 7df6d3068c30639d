package operator

import (
	"fmt"
	"net/http"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// SignupPage is the view model of one application with its review forms.
type SignupPage struct {
	S      account.Signup
	Reason string
	Errs   valid.Errors
}

func (h *Handlers) signupsList(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = account.SignupPending
	}
	if status == "all" {
		status = ""
	}
	list, err := h.Accounts.Signups(r.Context(), status)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, signupsView(list, r.URL.Query().Get("status")))
}

func (h *Handlers) loadSignup(r *http.Request) (account.Signup, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return account.Signup{}, err
	}
	return h.Accounts.Signup(r.Context(), id)
}

func (h *Handlers) signupShow(w http.ResponseWriter, r *http.Request) error {
	s, err := h.loadSignup(r)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, signupView(SignupPage{S: s, Errs: valid.Errors{}}))
}

func (h *Handlers) signupApprove(w http.ResponseWriter, r *http.Request) error {
	s, err := h.loadSignup(r)
	if err != nil {
		return err
	}
	_, err = h.Accounts.ApproveSignup(r.Context(), s.ID, httpx.Actor(r))
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "signups.approved")
	return httpx.Redirect(w, r, fmt.Sprintf("/operator/signups/%d", s.ID))
}

func (h *Handlers) signupReject(w http.ResponseWriter, r *http.Request) error {
	s, err := h.loadSignup(r)
	if err != nil {
		return err
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	reason := f.Lines("reason")
	err = f.Do(func() error { return h.Accounts.RejectSignup(r.Context(), s.ID, reason, httpx.Actor(r)) })
	if errs, ok := httpx.Invalid(err); ok {
		return layout.Render(w, r, http.StatusUnprocessableEntity, signupView(SignupPage{S: s, Reason: reason, Errs: errs}))
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "signups.rejected")
	return httpx.Redirect(w, r, fmt.Sprintf("/operator/signups/%d", s.ID))
}
