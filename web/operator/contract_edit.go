package operator

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// ContractForm is the view model of the contract and price-table editor:
// the terms and a grid of product × years, every value as typed.
type ContractForm struct {
	Partner  account.Partner
	Others   []account.Partner
	CopyFrom int64
	Products []catalog.Product
	Values   url.Values
	Errs     valid.Errors
}

// Cell returns the typed value of an entry field.
func (f ContractForm) Cell(p catalog.Product, years int, name string) string {
	return f.Values.Get(entryField(p.ID, years, name))
}

func (h *Handlers) contractForm(r *http.Request, p account.Partner, values url.Values, errs valid.Errors) (ContractForm, error) {
	f := ContractForm{Partner: p, Values: values, Errs: errs}
	all, err := h.Catalog.List(r.Context())
	if err != nil {
		return f, err
	}
	for _, pr := range all {
		if pr.Active {
			f.Products = append(f.Products, pr)
		}
	}
	partners, err := h.Accounts.Partners(r.Context())
	for _, o := range partners {
		if o.ID != p.ID {
			f.Others = append(f.Others, o)
		}
	}
	return f, err
}

// contractNew shows the editor filled from the version in force today, of
// this partner or (copy_from) of another one.
func (h *Handlers) contractNew(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadPartner(r)
	if err != nil {
		return err
	}
	source := p.ID
	copyFrom, _ := strconv.ParseInt(r.URL.Query().Get("copy_from"), 10, 64)
	if copyFrom != 0 {
		source = copyFrom
	}
	today := clock.Date(h.Clock.Now())
	v, err := h.Contracts.Draft(r.Context(), p.ID, source, today)
	if err != nil {
		return err
	}
	values := url.Values{}
	fillValues(values, v, today)
	f, err := h.contractForm(r, p, values, valid.Errors{})
	f.CopyFrom = copyFrom
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, contractFormView(f))
}

func fillValues(values url.Values, v contract.Version, today time.Time) {
	values.Set("effective_from", today.Format(time.DateOnly))
	values.Set("start_date", v.StartDate.Format(time.DateOnly))
	values.Set("end_date", v.EndDate.Format(time.DateOnly))
	values.Set("payment_terms", v.PaymentTerms)
	values.Set("credit_limit", strconv.FormatInt(int64(v.CreditLimit), 10))
	values.Set("tax_rate", strconv.Itoa(v.TaxRate))
	for _, e := range v.Entries {
		set := func(name, val string) { values.Set(entryField(e.ProductID, e.Years, name), val) }
		set("list", strconv.FormatInt(int64(e.ListPrice), 10))
		set("discount", bpToPercent(e.DiscountBP))
		set("base", strconv.FormatInt(int64(e.Base), 10))
		set("fqdn", strconv.FormatInt(int64(e.AdditionalFQDN), 10))
		set("wildcard", strconv.FormatInt(int64(e.Wildcard), 10))
	}
}

func bpToPercent(bp int) string {
	if bp%100 == 0 {
		return strconv.Itoa(bp / 100)
	}
	return fmt.Sprintf("%d.%02d", bp/100, bp%100)
}

func (h *Handlers) contractCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadPartner(r)
	if err != nil {
		return err
	}
	posted, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	f, err := h.contractForm(r, p, posted.All(), posted.Errs)
	if err != nil {
		return err
	}
	v := parseVersion(f)
	if len(f.Errs) == 0 {
		_, err = h.Contracts.Create(r.Context(), p.ID, v, httpx.Actor(r))
		if errs, ok := httpx.Invalid(err); ok {
			f.Errs, err = entryErrors(errs, v), nil
		}
	} else {
		var errs valid.Errors
		errs, err = h.Contracts.Check(r.Context(), v)
		f.Errs.Merge(entryErrors(errs, v))
	}
	if err != nil {
		return err
	}
	if len(f.Errs) > 0 {
		return layout.Render(w, r, http.StatusUnprocessableEntity, contractFormView(f))
	}
	httpx.SetFlash(w, r, "contract.saved")
	return httpx.Redirect(w, r, fmt.Sprintf("/operator/partners/%d", p.ID))
}

// parseVersion reads the typed form into a version, recording parse
// problems in f.Errs. A grid row with neither list nor base price is not offered.
func parseVersion(f ContractForm) contract.NewVersion {
	e, vals := f.Errs, f.Values
	v := contract.NewVersion{EffectiveFrom: e.Date("effective_from", vals.Get("effective_from"))}
	v.StartDate, v.EndDate = e.Date("start_date", vals.Get("start_date")), e.Date("end_date", vals.Get("end_date"))
	v.PaymentTerms, v.Note = vals.Get("payment_terms"), vals.Get("note")
	limit, _ := e.Number("credit_limit", vals.Get("credit_limit"))
	tax, _ := e.Number("tax_rate", vals.Get("tax_rate"))
	v.CreditLimit, v.TaxRate = money.Yen(limit), int(tax)
	for _, p := range f.Products {
		for y := 1; y <= p.MaxYears; y++ {
			if en, ok := parseEntry(e, vals, p, y); ok {
				v.Entries = append(v.Entries, en)
			}
		}
	}
	return v
}

func parseEntry(e valid.Errors, vals url.Values, p catalog.Product, years int) (contract.Entry, bool) {
	field := func(n string) string { return entryField(p.ID, years, n) }
	list, hasList := e.Yen(field("list"), vals.Get(field("list")), int64(contract.MaxPrice))
	base, hasBase := e.Yen(field("base"), vals.Get(field("base")), int64(contract.MaxPrice))
	if !hasList && !hasBase {
		return contract.Entry{}, false
	}
	var typedBase *money.Yen
	if hasBase {
		b := money.Yen(base)
		typedBase = &b
	}
	discount := e.PercentBP(field("discount"), vals.Get(field("discount")))
	fqdn, _ := e.Yen(field("fqdn"), vals.Get(field("fqdn")), int64(contract.MaxPrice))
	wild, _ := e.Yen(field("wildcard"), vals.Get(field("wildcard")), int64(contract.MaxPrice))
	return contract.NewEntry(p.ID, years, money.Yen(list), discount, typedBase, money.Yen(fqdn), money.Yen(wild)), true
}

// entryField is the form's name of a price-table cell's field name (list,
// discount, base, fqdn, wildcard), e.g. "p12_y3_base".
func entryField(productID int64, years int, name string) string {
	return fmt.Sprintf("p%d_y%d_%s", productID, years, name)
}

// entryFields are the form's names of an entry's values (contract.EntryPath
// members); a problem with the entry as a whole is shown on its price.
var entryFields = map[string]string{"": "base", "list_price": "list", "discount": "discount", "base_price": "base",
	"fqdn_price": "fqdn", "wildcard_price": "wildcard"}

// entryErrors keys the contract's problems by the form's fields: entry i of
// v ("entries[3].base_price") is the cell of its product and years.
func entryErrors(errs valid.Errors, v contract.NewVersion) valid.Errors {
	return layout.FieldErrors(errs, func(list string, i int, member string) string {
		name, ok := entryFields[member]
		if list != "entries" || i >= len(v.Entries) || !ok {
			return ""
		}
		return entryField(v.Entries[i].ProductID, v.Entries[i].Years, name)
	})
}
