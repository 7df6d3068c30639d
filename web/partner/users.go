package partner

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// UsersPage is the view model of the users page with its add form.
type UsersPage struct {
	Users    []account.User
	Consents []account.Consent
	New      account.NewUser
	Errs     valid.Errors
}

func (h *Handlers) usersPage(r *http.Request, n account.NewUser, errs valid.Errors) (UsersPage, error) {
	partnerID := auth.PrincipalFrom(r.Context()).PartnerID
	page := UsersPage{New: n, Errs: errs}
	var err error
	if page.Users, err = h.Accounts.PartnerUsers(r.Context(), partnerID); err != nil {
		return page, err
	}
	page.Consents, err = h.Accounts.Consents(r.Context(), partnerID)
	return page, err
}

func (h *Handlers) usersList(w http.ResponseWriter, r *http.Request) error {
	page, err := h.usersPage(r, account.NewUser{Language: "ja", Roles: []auth.Role{auth.RoleStandard}}, valid.Errors{})
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, usersView(page, h.Clock.Now()))
}

func (h *Handlers) userAdd(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	n := account.NewUser{Username: f.Text("username"), DisplayName: f.Text("display_name"), Email: f.Text("email"),
		Language: f.Text("language"), Roles: roles(f.List("roles"))}
	err = f.Do(func() error {
		_, err := h.Accounts.AddUser(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, n, httpx.Actor(r))
		return err
	})
	if errs, ok := httpx.Invalid(err); ok {
		page, err := h.usersPage(r, n, errs)
		if err != nil {
			return err
		}
		return layout.Render(w, r, http.StatusUnprocessableEntity, usersView(page, h.Clock.Now()))
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "users.added")
	return httpx.Redirect(w, r, "/account/users")
}

func roles(values []string) []auth.Role {
	out := make([]auth.Role, len(values))
	for i, v := range values {
		out[i] = auth.Role(v)
	}
	return out
}

// UserPage is the view model of one user with its role and status forms.
type UserPage struct {
	U       account.User
	Self    bool
	ErrorID string
	Errs    valid.Errors
}

func (h *Handlers) loadUser(r *http.Request) (UserPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return UserPage{}, err
	}
	p := auth.PrincipalFrom(r.Context())
	u, err := h.Accounts.PartnerUser(r.Context(), p.PartnerID, id)
	return UserPage{U: u, Self: u.ID == p.UserID, Errs: valid.Errors{}}, err
}

func (h *Handlers) userShow(w http.ResponseWriter, r *http.Request) error {
	page, err := h.loadUser(r)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, userView(page))
}

func (h *Handlers) userRoles(w http.ResponseWriter, r *http.Request) error {
	page, err := h.loadUser(r)
	if err != nil {
		return err
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	list := roles(f.List("roles"))
	err = f.Do(func() error {
		return h.Accounts.SetRoles(r.Context(), page.U.PartnerID, page.U.ID, list, httpx.Actor(r))
	})
	return h.userChanged(w, r, page, err, "users.roles_saved")
}

func (h *Handlers) userActive(w http.ResponseWriter, r *http.Request) error {
	page, err := h.loadUser(r)
	if err != nil {
		return err
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	active := f.Checked("active", "yes")
	err = f.Do(func() error {
		return h.Accounts.SetActive(r.Context(), page.U.PartnerID, page.U.ID, active, httpx.Actor(r))
	})
	return h.userChanged(w, r, page, err, "users.status_saved")
}

// userChanged shows a refused change on the user's page, or goes back to it.
func (h *Handlers) userChanged(w http.ResponseWriter, r *http.Request, page UserPage, err error, flash string) error {
	switch errs, invalid := httpx.Invalid(err); {
	case invalid:
		page.Errs = errs
	case errors.Is(err, account.ErrOwnAccount):
		page.ErrorID = "users.own_account"
	case errors.Is(err, account.ErrLastAdmin):
		page.ErrorID = "users.last_admin"
	case err != nil:
		return err
	default:
		httpx.SetFlash(w, r, flash)
		return httpx.Redirect(w, r, fmt.Sprintf("/account/users/%d", page.U.ID))
	}
	return layout.Render(w, r, http.StatusUnprocessableEntity, userView(page))
}
