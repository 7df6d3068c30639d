package operator

import (
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

func (h *Handlers) deliveryList(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Accounts.DeliveryAccessList(r.Context())
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, deliveryView(list))
}

// deliveryEnter starts working inside a consenting partner's account (D-1).
func (h *Handlers) deliveryEnter(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadPartner(r)
	if err != nil {
		return err
	}
	err = h.Accounts.EnterPartner(r.Context(), httpx.SessionToken(r), p.ID, httpx.Actor(r))
	if err != nil {
		return err
	}
	return httpx.Redirect(w, r, "/finance/vouchers")
}

// deliveryLeave returns delivery staff from a partner's account to the console.
func (h *Handlers) deliveryLeave(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	if !p.OnBehalf {
		return httpx.Redirect(w, r, "/")
	}
	if err := h.Accounts.LeavePartner(r.Context(), httpx.SessionToken(r), p.PartnerID, httpx.Actor(r)); err != nil {
		return err
	}
	return httpx.Redirect(w, r, "/operator/delivery")
}
