package quote

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
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/quote"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// FormPage is the view model of the new-quote form.
type FormPage struct {
	Key        string
	Groups     []account.Group
	Options    []ProductOption
	GroupID    string
	Memo       string
	Kind       string
	Credit     string
	Lines      []LineValues
	Errs       valid.Errors
	NoContract bool
	Lang       string
}

// ProductOption is a product and validity the contract offers, with its prices.
type ProductOption struct {
	Value   string // "productID:years"
	Product catalog.Product
	Years   int
	Prices  contract.Prices
}

// LineValues is one product line as typed.
type LineValues struct {
	Product, Quantity, FQDNs, Wildcards string
	ShipToken                           bool
}

// newLine is a new line's values: one certificate with one FQDN.
var newLine = LineValues{Quantity: "1", FQDNs: "1", Wildcards: "0"}

// formPage loads what the form shows around the user's input.
func (h *Handlers) formPage(r *http.Request, page FormPage) (FormPage, error) {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	groups, err := h.Accounts.Groups(ctx, p.PartnerID)
	if err != nil {
		return page, err
	}
	for _, g := range groups {
		if g.Active {
			page.Groups = append(page.Groups, g)
		}
	}
	offer, err := h.Quotes.Offer(ctx, p.PartnerID)
	if errors.Is(err, quote.ErrNoContract) {
		page.NoContract = true
	} else if err != nil {
		return page, err
	}
	for _, o := range offer {
		page.Options = append(page.Options, ProductOption{Value: fmt.Sprintf("%d:%d", o.Product.ID, o.Years),
			Product: o.Product, Years: o.Years, Prices: o.Prices})
	}
	page.Lang = p.Language
	if page.Errs == nil {
		page.Errs = valid.Errors{}
	}
	if len(page.Lines) == 0 {
		page.Lines = []LineValues{newLine}
	}
	return page, nil
}

func (h *Handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	page, err := h.formPage(r, FormPage{Key: httpx.FormKey(), Kind: string(quote.KindProduct)})
	if err != nil {
		return err
	}
	if len(page.Groups) > 0 {
		page.GroupID = strconv.FormatInt(page.Groups[0].ID, 10)
	}
	return layout.Render(w, r, http.StatusOK, formView(page))
}

// create saves the quote and shows it in the quick view; refused input
// shows the form again with the user's values and the messages.
func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page, in := parseQuote(f)
	var id int64
	err = f.Do(func() (err error) {
		id, err = h.Quotes.Save(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, in, httpx.Actor(r))
		return err
	})
	switch errs, invalid := httpx.Invalid(err); {
	case err == nil:
		httpx.SetFlash(w, r, "quote.saved_flash")
		return httpx.Redirect(w, r, quotePath(id))
	case invalid:
		page.Errs = formErrors(errs)
	case errors.Is(err, quote.ErrNoContract):
		page.Errs = valid.Errors{}
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
// (quote.js names the fields of added lines the same way).
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

// parseQuote reads the form. Every value is read (so that refused bytes
// anywhere refuse the form), but only the chosen kind's are used: lines
// are line<N>_<field>, taken in N order and numbered again from 0, as the
// domain numbers them.
func parseQuote(f *httpx.Form) (FormPage, quote.Input) {
	page := FormPage{Key: f.Text("key"), GroupID: f.Text("group_id"), Memo: f.Text("memo"), Kind: f.Text("kind"),
		Credit: strings.TrimSpace(f.Text("credit")), Errs: valid.Errors{}}
	in := quote.Input{Memo: page.Memo, Kind: quote.Kind(page.Kind), IdempotencyKey: page.Key}
	in.GroupID, _ = strconv.ParseInt(page.GroupID, 10, 64)
	for i := 0; i < quote.MaxLines*5; i++ {
		if !f.Has(lineField(i, "product")) {
			continue
		}
		get := func(name string) string { return strings.TrimSpace(f.Text(lineField(i, name))) }
		lv := LineValues{Product: get("product"), Quantity: get("quantity"), FQDNs: get("fqdns"), Wildcards: get("wildcards"),
			ShipToken: get("ship_token") == "yes"}
		if in.Kind == quote.KindProduct {
			in.Lines = append(in.Lines, lineInput(lv, f.Errs, len(page.Lines)))
		}
		page.Lines = append(page.Lines, lv)
	}
	if in.Kind == quote.KindCredit {
		n, _ := f.Errs.Number("credit", page.Credit)
		in.Credit = money.Yen(n)
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

func quotePath(id int64) string { return "/finance/quotes/" + strconv.FormatInt(id, 10) }
