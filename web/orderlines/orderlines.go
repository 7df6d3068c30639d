// Package orderlines reads the product lines of the forms that order or
// quote vouchers: line<N>_<field> fields, a product chosen as
// "productID:years", counts typed as the user typed them.
package orderlines

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Values is one product line as typed.
type Values struct {
	Product, Quantity, FQDNs, Wildcards string
	ShipToken                           bool
}

// New is a new line's values: one certificate with one FQDN.
var New = Values{Quantity: "1", FQDNs: "1", Wildcards: "0"}

// Field is the form's name of line i's field name, e.g. "line2_quantity"
// (the forms' scripts name the fields of added lines the same way).
func Field(i int, name string) string { return fmt.Sprintf("line%d_%s", i, name) }

// FormErrors keys the domain's problems by the form's fields: a line's
// "lines[2].quantity" is the field "line2_quantity".
func FormErrors(errs valid.Errors) valid.Errors {
	return layout.FieldErrors(errs, func(list string, i int, member string) string {
		if list == "lines" && member != "" {
			return Field(i, member)
		}
		return ""
	})
}

// Read reads up to max lines from f, taken in N order and numbered again
// from 0, as the domain numbers them. An FQDN or wildcard count that is not
// posted at all is 0: a script disables the inputs a product does not
// take, and a browser does not post a disabled input. A count that is not
// a number is recorded in f.Errs as such (the domain checks the ranges).
func Read(f *httpx.Form, max int) ([]Values, []voucher.LineInput) {
	var values []Values
	var lines []voucher.LineInput
	for i := 0; i < max; i++ {
		if !f.Has(Field(i, "product")) {
			continue
		}
		get := func(name string) string { return strings.TrimSpace(f.Text(Field(i, name))) }
		count := func(name string) string {
			if !f.Has(Field(i, name)) {
				return "0"
			}
			return get(name)
		}
		v := Values{Product: get("product"), Quantity: get("quantity"), FQDNs: count("fqdns"), Wildcards: count("wildcards"),
			ShipToken: get("ship_token") == "yes"}
		lines = append(lines, input(v, f.Errs, len(values)))
		values = append(values, v)
	}
	return values, lines
}

// input is line n's values as the domain takes them.
func input(v Values, errs valid.Errors, n int) voucher.LineInput {
	count := func(name, s string) int {
		c, _ := errs.Number(Field(n, name), s)
		return int(c)
	}
	l := voucher.LineInput{ShipToken: v.ShipToken, Quantity: count("quantity", v.Quantity), FQDNs: count("fqdns", v.FQDNs),
		Wildcards: count("wildcards", v.Wildcards)}
	pid, years, _ := strings.Cut(v.Product, ":")
	l.ProductID, _ = strconv.ParseInt(pid, 10, 64)
	l.Years, _ = strconv.Atoi(years)
	return l
}
