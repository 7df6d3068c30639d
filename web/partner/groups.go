package partner

import (
	"errors"
	"net/http"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// GroupsPage is the view model of the management groups page.
type GroupsPage struct {
	Groups  []account.Group
	Name    string // the create form's input
	Errs    valid.Errors
	ErrorID string
}

func (h *Handlers) groupsPage(r *http.Request) (GroupsPage, error) {
	groups, err := h.Accounts.Groups(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID)
	return GroupsPage{Groups: groups, Errs: valid.Errors{}}, err
}

func (h *Handlers) groupsList(w http.ResponseWriter, r *http.Request) error {
	page, err := h.groupsPage(r)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, groupsView(page))
}

func (h *Handlers) groupCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	name := f.Text("name")
	err = f.Do(func() error {
		_, err := h.Accounts.CreateGroup(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, name, httpx.Actor(r))
		return err
	})
	return h.groupChanged(w, r, name, err, "groups.created")
}

func (h *Handlers) groupRename(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	name := f.Text("name")
	err = f.Do(func() error {
		return h.Accounts.RenameGroup(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id, name, httpx.Actor(r))
	})
	return h.groupChanged(w, r, "", err, "groups.renamed")
}

func (h *Handlers) groupActive(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	active := f.Checked("active", "yes")
	err = f.Do(func() error {
		return h.Accounts.SetGroupActive(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id, active, httpx.Actor(r))
	})
	return h.groupChanged(w, r, "", err, "groups.saved")
}

func (h *Handlers) groupChanged(w http.ResponseWriter, r *http.Request, name string, err error, flash string) error {
	if err == nil {
		httpx.SetFlash(w, r, flash)
		return httpx.Redirect(w, r, "/account/groups")
	}
	page, perr := h.groupsPage(r)
	if perr != nil {
		return perr
	}
	page.Name = name
	switch errs, invalid := httpx.Invalid(err); {
	case invalid:
		page.Errs = errs
	case errors.Is(err, account.ErrLastGroup):
		page.ErrorID = "groups.last_group"
	default:
		return err
	}
	return layout.Render(w, r, http.StatusUnprocessableEntity, groupsView(page))
}
