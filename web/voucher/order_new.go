package voucher

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
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
type LineValues struct {
	Product, Quantity, FQDNs, Wildcards string
	ShipToken                           bool
}

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
	page, err := h.formPage(r, FormPage{Key: httpx.FormKey(), Lines: []LineValues{{Quantity: "1", FQDNs: "1", Wildcards: "0"}}})
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
		page.Errs = formErrors(errs).Merge(formErrors(in.Validate()))
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

// lineField is the form's name of line i's field name, e.g. "line2_quantity"
// (voucher.js names the fields of added lines the same way).
func lineField(i int, name string) string { return fmt.Sprintf("line%d_%s", i, name) }

// formErrors keys the domain's problems by the form's fields: a line's
// "lines[2].quantity" is the field "line2_quantity".
func formErrors(errs valid.Errors) valid.Errors {
	return layout.FieldErrors(errs, func(list string, i int, member string) string {
		if list == "lines" && member != "" {
			return lineField(i, member)
		}
		return ""
	})
}

// parseOrder reads the form: lines are line<N>_<field>, taken in N order
// and numbered again from 0, as the domain numbers them. A line's product
// is "productID:years", the one select the page renders (voucher.js shows
// it as two and posts the pair). An FQDN or wildcard count that is not
// posted at all is 0: the script disables the inputs a product does not
// take, and a browser does not post a disabled input.
func parseOrder(f *httpx.Form) (FormPage, voucher.Input) {
	page := FormPage{Key: f.Text("key"), GroupID: f.Text("group_id"), Customer: f.Text("customer"), Memo: f.Text("memo"), Errs: valid.Errors{}}
	in := voucher.Input{Customer: page.Customer, Memo: page.Memo, IdempotencyKey: page.Key}
	in.GroupID, _ = strconv.ParseInt(page.GroupID, 10, 64)
	for i := 0; i < voucher.MaxLines*5; i++ {
		get := func(name string) string { return strings.TrimSpace(f.Text(lineField(i, name))) }
		if !f.Has(lineField(i, "product")) {
			continue
		}
		count := func(name string) string {
			if !f.Has(lineField(i, name)) {
				return "0"
			}
			return get(name)
		}
		lv := LineValues{Product: get("product"), Quantity: get("quantity"), FQDNs: count("fqdns"), Wildcards: count("wildcards"), ShipToken: get("ship_token") == "yes"}
		in.Lines = append(in.Lines, lineInput(lv, f.Errs, len(page.Lines)))
		page.Lines = append(page.Lines, lv)
	}
	return page, in
}

// lineInput reads line n's values; a count that is not a number is
// recorded in errs as such (the domain checks the ranges).
func lineInput(lv LineValues, errs valid.Errors, n int) voucher.LineInput {
	count := func(name, v string) int {
		c, _ := errs.Number(lineField(n, name), v)
		return int(c)
	}
	l := voucher.LineInput{ShipToken: lv.ShipToken, Quantity: count("quantity", lv.Quantity), FQDNs: count("fqdns", lv.FQDNs),
		Wildcards: count("wildcards", lv.Wildcards)}
	pid, years, _ := strings.Cut(lv.Product, ":")
	l.ProductID, _ = strconv.ParseInt(pid, 10, 64)
	l.Years, _ = strconv.Atoi(years)
	return l
}
