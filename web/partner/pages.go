package partner

import (
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/web/layout"
)

func (h *Handlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, dashboardView(auth.PrincipalFrom(r.Context())))
}

func (h *Handlers) profile(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, profileView(auth.PrincipalFrom(r.Context())))
}
