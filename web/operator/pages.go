package operator

import (
	"net/http"

	"github.com/ccp-partner/portal/web/layout"
)

func (h *Handlers) overview(w http.ResponseWriter, r *http.Request) error {
	partners, err := h.Accounts.Partners(r.Context())
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, overviewView(len(partners), h.Clock.Now()))
}

func (h *Handlers) partners(w http.ResponseWriter, r *http.Request) error {
	partners, err := h.Accounts.Partners(r.Context())
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, partnersView(partners))
}

func (h *Handlers) staff(w http.ResponseWriter, r *http.Request) error {
	staff, err := h.Accounts.OperatorStaff(r.Context())
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, staffView(staff))
}
