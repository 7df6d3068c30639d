package finance

import (
	"errors"
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/web/layout"
)

// PricingPage is the view model of the account pricing page.
type PricingPage struct {
	Version contract.Version
	Active  bool
	Grid    layout.PriceGrid
}

func (h *Handlers) pricing(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	now := h.Clock.Now()
	v, err := h.Contracts.InForce(r.Context(), p.PartnerID, now)
	if errors.Is(err, contract.ErrNoContract) {
		return layout.Render(w, r, http.StatusOK, pricingView(PricingPage{}))
	}
	if err != nil {
		return err
	}
	products, err := h.Catalog.List(r.Context())
	if err != nil {
		return err
	}
	page := PricingPage{Version: v, Active: v.ActiveOn(now), Grid: layout.NewPriceGrid(v, products)}
	return layout.Render(w, r, http.StatusOK, pricingView(page))
}
