package quote

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/quote"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// OrderPage is "Order these vouchers": the quote's lines as the order will
// charge them, a notice when the contract's prices changed since the quote
// was saved, and the order's own fields.
type OrderPage struct {
	Plan           quote.OrderPlan
	Customer, Memo string
	Key            string
	Refusal        *voucher.Refusal
	Errs           valid.Errors
}

func (h *Handlers) orderForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderOrder(w, r, http.StatusOK, OrderPage{Key: httpx.FormKey(), Errs: valid.Errors{}})
}

func (h *Handlers) renderOrder(w http.ResponseWriter, r *http.Request, status int, p OrderPage) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if p.Plan, err = h.Quotes.Plan(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id); err != nil {
		return err
	}
	return layout.Render(w, r, status, orderView(p))
}

// order places the quote's vouchers and shows the new order.
func (h *Handlers) order(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	p := OrderPage{Customer: f.Text("customer"), Memo: f.Lines("memo"), Key: f.Text("key"), Errs: f.Errs}
	var orderID int64
	err = f.Do(func() (err error) {
		in := voucher.Input{Customer: p.Customer, Memo: p.Memo, IdempotencyKey: "quote:" + p.Key}
		orderID, err = h.Quotes.Order(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id, in, httpx.Actor(r))
		return err
	})
	var refusal *voucher.Refusal
	switch errs, invalid := httpx.Invalid(err); {
	case err == nil:
		httpx.SetFlash(w, r, "voucher.created")
		return httpx.Redirect(w, r, fmt.Sprintf("/finance/vouchers/%d", orderID))
	case invalid:
		p.Errs = errs
	case errors.As(err, &refusal):
		p.Refusal = refusal
	default:
		return err
	}
	return h.renderOrder(w, r, http.StatusUnprocessableEntity, p)
}
