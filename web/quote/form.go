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
	"github.com/ccp-partner/portal/web/orderlines"
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
type LineValues = orderlines.Values

// newLine is a new line's values: one certificate with one FQDN.
var newLine = orderlines.New

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
		page.Errs = orderlines.FormErrors(errs)
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

// parseQuote reads the form. Every value is read (so that refused bytes
// anywhere refuse the form), but only the chosen kind's are used: lines
// are line<N>_<field>, taken in N order and numbered again from 0, as the
// domain numbers them.
func parseQuote(f *httpx.Form) (FormPage, quote.Input) {
	page := FormPage{Key: f.Text("key"), GroupID: f.Text("group_id"), Memo: f.Text("memo"), Kind: f.Text("kind"),
		Credit: strings.TrimSpace(f.Text("credit")), Errs: valid.Errors{}}
	in := quote.Input{Memo: page.Memo, Kind: quote.Kind(page.Kind), IdempotencyKey: page.Key}
	in.GroupID, _ = strconv.ParseInt(page.GroupID, 10, 64)
	var lines []voucher.LineInput
	page.Lines, lines = orderlines.Read(f, quote.MaxLines*5)
	if in.Kind == quote.KindProduct {
		in.Lines = lines
	}
	if in.Kind == quote.KindCredit {
		n, _ := f.Errs.Number("credit", page.Credit)
		in.Credit = money.Yen(n)
	}
	return page, in
}

func quotePath(id int64) string { return "/finance/quotes/" + strconv.FormatInt(id, 10) }
