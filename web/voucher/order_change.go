package voucher

import (
	"fmt"
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// cancelConfirm asks before cancelling; an order that cannot be cancelled
// gets the reason instead.
func (h *Handlers) cancelConfirm(w http.ResponseWriter, r *http.Request) error {
	o, err := h.loadOrder(r)
	if err != nil {
		return err
	}
	if !o.CanCancel(h.Clock.Now()) {
		return voucher.ErrNotCancellable
	}
	return layout.Render(w, r, http.StatusOK, cancelView(o))
}

func (h *Handlers) cancel(w http.ResponseWriter, r *http.Request) error {
	o, err := h.loadOrder(r)
	if err != nil {
		return err
	}
	if err := h.Vouchers.Cancel(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, o.ID, httpx.Actor(r)); err != nil {
		return err
	}
	httpx.SetFlash(w, r, "voucher.cancelled")
	return httpx.Redirect(w, r, fmt.Sprintf("/finance/vouchers/%d", o.ID))
}

func (h *Handlers) loadCode(r *http.Request) (voucher.Code, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return voucher.Code{}, err
	}
	return h.Vouchers.CodeByID(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id)
}

func (h *Handlers) reissueConfirm(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadCode(r)
	if err != nil {
		return err
	}
	if c.Shown(h.Clock.Now()) != voucher.CodeActive {
		return voucher.ErrNotReissuable
	}
	return layout.Render(w, r, http.StatusOK, reissueView(c, auth.PrincipalFrom(r.Context()).Language))
}

// reissue replaces the code; of concurrent reissues of one code, one wins
// and the others get 409 with the reason.
func (h *Handlers) reissue(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	partnerID := auth.PrincipalFrom(r.Context()).PartnerID
	newID, err := h.Vouchers.Reissue(r.Context(), partnerID, id, httpx.Actor(r))
	if err != nil {
		return err
	}
	c, err := h.Vouchers.CodeByID(r.Context(), partnerID, newID)
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "voucher.reissued")
	return httpx.Redirect(w, r, fmt.Sprintf("/finance/vouchers/%d?codes=show#code-%d", c.OrderID, newID))
}
