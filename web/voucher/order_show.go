package voucher

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// ListPage is the view model of the order list.
type ListPage struct {
	Orders                                       []voucher.Order
	Next                                         int64
	Status, CodeStatus, From, To, Customer, Code string
	CodeNotFound                                 bool
	Errs                                         valid.Errors
	Now                                          time.Time
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := auth.PrincipalFrom(r.Context())
	page := ListPage{Status: q.Get("status"), CodeStatus: q.Get("code_status"), From: q.Get("from"), To: q.Get("to"),
		Customer: q.Get("customer"), Code: q.Get("code"), Errs: valid.Errors{}, Now: h.Clock.Now()}
	if page.Code != "" {
		c, err := h.Vouchers.FindCode(r.Context(), p.PartnerID, page.Code)
		if err == nil {
			return httpx.Redirect(w, r, fmt.Sprintf("/finance/vouchers/%d#code-%d", c.OrderID, c.ID))
		}
		if !errors.Is(err, voucher.ErrCodeNotFound) {
			return err
		}
		page.CodeNotFound = true
	}
	f := voucher.ListFilter{Status: page.Status, CodeStatus: page.CodeStatus, Customer: page.Customer, Limit: 50}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if page.From != "" {
		f.From = page.Errs.Date("from", page.From)
	}
	if page.To != "" {
		f.To = page.Errs.Date("to", page.To)
	}
	if len(page.Errs) == 0 {
		var err error
		if page.Orders, page.Next, err = h.Vouchers.Orders(r.Context(), p.PartnerID, f); err != nil {
			return err
		}
	}
	return layout.Render(w, r, http.StatusOK, listView(page))
}

// ShowPage is the view model of one order.
type ShowPage struct {
	Order     voucher.Order
	Lines     []voucher.Line
	Codes     []voucher.Code
	ShowCodes bool
	CanChange bool
	Now       time.Time
	Lang      string
}

func (h *Handlers) loadOrder(r *http.Request) (voucher.Order, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return voucher.Order{}, err
	}
	o, err := h.Vouchers.Order(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id)
	if errors.Is(err, voucher.ErrOrderNotFound) {
		return o, httpx.ErrNotFound
	}
	return o, err
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	o, err := h.loadOrder(r)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	page := ShowPage{Order: o, ShowCodes: r.URL.Query().Get("codes") == "show", CanChange: p.Can(auth.ChangeVouchers),
		Now: h.Clock.Now(), Lang: p.Language}
	if page.Lines, err = h.Vouchers.Lines(r.Context(), p.PartnerID, o.ID); err != nil {
		return err
	}
	if page.Codes, err = h.Vouchers.Codes(r.Context(), p.PartnerID, o.ID); err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, showView(page))
}

// ReceiptPage is the view model of an order's receipt.
type ReceiptPage struct {
	Order   voucher.Order
	Lines   []voucher.Line
	Issuer  issuer.Identity
	Contact account.BillingContact
	Tax     money.Yen
	Lang    string
}

// receipt shows a printable receipt of one order: its lines, the
// consumption tax on the order (rounded down) and the total.
func (h *Handlers) receipt(w http.ResponseWriter, r *http.Request) error {
	o, err := h.loadOrder(r)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	page := ReceiptPage{Order: o, Tax: o.TotalWithTax() - o.Total, Lang: p.Language}
	if page.Lines, err = h.Vouchers.Lines(r.Context(), p.PartnerID, o.ID); err != nil {
		return err
	}
	if page.Issuer, err = h.Issuer.Get(r.Context()); err != nil && !errors.Is(err, issuer.ErrNotSet) {
		return err
	}
	if page.Contact, _, err = h.Accounts.BillingContact(r.Context(), p.PartnerID); err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, receiptView(page))
}
