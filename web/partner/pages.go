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

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return 0, httpx.ErrNotFound
	}
	return id, nil
}

// notFound maps the domain's "not found" (also another partner's row) to 404.
func notFound(err error) error {
	if errors.Is(err, account.ErrNotFound) {
		return httpx.ErrNotFound
	}
	return err
}
