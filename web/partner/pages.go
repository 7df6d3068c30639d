package partner

import (
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/web/layout"
)

// dashboard greets the user and lists what the account still lacks before
// it can order, with links to where it is set.
func (h *Handlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	ready, err := h.Accounts.Readiness(r.Context(), p.PartnerID)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, dashboardView(p, ready))
}

func (h *Handlers) profile(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, profileView(auth.PrincipalFrom(r.Context())))
}
