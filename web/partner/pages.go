package partner

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

func (h *Handlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, dashboardView(auth.PrincipalFrom(r.Context())))
}

func (h *Handlers) profile(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, profileView(auth.PrincipalFrom(r.Context())))
}

func (h *Handlers) usersList(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	users, err := h.Accounts.PartnerUsers(r.Context(), p.PartnerID)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, usersView(users))
}

func (h *Handlers) userShow(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return httpx.ErrNotFound
	}
	u, err := h.Accounts.PartnerUser(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id)
	if errors.Is(err, account.ErrNotFound) {
		return httpx.ErrNotFound
	}
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, userView(u))
}
