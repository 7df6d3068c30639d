package voucher

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
	"github.com/ccp-partner/portal/web/orderlines"
)

// FormPage is the view model of the new-order form.
type FormPage struct {
	Key        string
	Groups     []account.Group
	Options    []ProductOption
	Lines      []LineValues
	GroupID    string
	Customer   string
	Memo       string
	Errs       valid.Errors
	Refusal    *voucher.Refusal
	NoContract bool
	PaymentOK  bool
	BillingOK  bool
	Figures    ledger.Figures
	Lang       string
}

// ProductOption is a product and validity the contract offers, with its prices.
type ProductOption struct {
	Value   string // "productID:years"
	Product catalog.Product
	Years   int
	Prices  contract.Prices
}

// LineValues is one line as typed.
type LineValues = orderlines.Values

// formPage loads what the form shows around the user's input.
func (h *Handlers) formPage(r *http.Request, page FormPage) (FormPage, error) {
	p := auth.PrincipalFrom(r.Context())
	ctx := r.Context()
	groups, err := h.Accounts.Groups(ctx, p.PartnerID)
	if err != nil {
		return page, err
	}
	for _, g := range groups {
		if g.Active {
			page.Groups = append(page.Groups, g)
		}
	}
	priced, err := h.Vouchers.Offer(ctx, p.PartnerID)
	if errors.Is(err, voucher.ErrNoContract) {
		page.NoContract = true
	} else if err != nil {
		return page, err
	}
	for _, o := range priced {
		page.Options = append(page.Options, ProductOption{Value: fmt.Sprintf("%d:%d", o.Product.ID, o.Years), Product: o.Product, Years: o.Years, Prices: o.Prices})
	}
	ready, err := h.Accounts.Readiness(ctx, p.PartnerID)
	if err != nil {
		return page, err
	}
	page.BillingOK, page.PaymentOK = ready.BillingComplete, ready.BalancePayment
	page.Figures, err = h.Ledger.Figures(ctx, p.PartnerID)
	page.Lang = p.Language
	if page.Errs == nil {
		page.Errs = valid.Errors{}
	}
	return page, err
}

func (h *Handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	page, err := h.formPage(r, FormPage{Key: httpx.FormKey(), Lines: []LineValues{orderlines.New}})
	if err != nil {
		return err
	}
	if len(page.Groups) > 0 {
		page.GroupID = strconv.FormatInt(page.Groups[0].ID, 10)
	}
	return layout.Render(w, r, http.StatusOK, formView(page))
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page, in := parseOrder(f)
	var id int64
	err = f.Do(func() (err error) {
		id, _, err = h.Vouchers.Create(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, in, httpx.Actor(r))
		return err
	})
	var refusal *voucher.Refusal
	switch errs, invalid := httpx.Invalid(err); {
	case err == nil:
		httpx.SetFlash(w, r, "voucher.created")
		return httpx.Redirect(w, r, fmt.Sprintf("/finance/vouchers/%d", id))
	case invalid: // the form's own problems, and the rest of the line checks
		page.Errs = orderlines.FormErrors(errs).Merge(orderlines.FormErrors(in.Validate()))
	case errors.As(err, &refusal):
		page.Refusal = refusal
	default:
		return err
	}
	page, err = h.formPage(r, page)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusUnprocessableEntity, formView(page))
}

// parseOrder reads the form (orderlines.Read). A line's product is
// "productID:years", the one select the page renders (voucher.js shows it
// as two and posts the pair).
func parseOrder(f *httpx.Form) (FormPage, voucher.Input) {
	page := FormPage{Key: f.Text("key"), GroupID: f.Text("group_id"), Customer: f.Text("customer"), Memo: f.Text("memo"), Errs: valid.Errors{}}
	in := voucher.Input{Customer: page.Customer, Memo: page.Memo, IdempotencyKey: page.Key}
	in.GroupID, _ = strconv.ParseInt(page.GroupID, 10, 64)
	page.Lines, in.Lines = orderlines.Read(f, voucher.MaxLines*5)
	return page, in
}
