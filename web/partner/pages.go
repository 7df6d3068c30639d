package partner

import (
	"errors"
	"net/http"

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

// notFound maps the domain's "not found" (also another partner's row) to 404.
func notFound(err error) error {
	if errors.Is(err, account.ErrNotFound) {
		return httpx.ErrNotFound
	}
	return err
}
