// Package contract owns the partner's OnGoing contract: its versions
// (terms, credit limit, tax rate, each effective from a date), the price
// entries of each version and the unit-price rule every price comes from.
package contract

import (
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/money"
)

// Limits on a certificate configuration and an order line.
const (
	MaxNames    = 250
	MinQuantity = 1
	MaxQuantity = 1000
	MinYears    = 1
	MaxYears    = catalog.MaxYears
)

// Refusals of the unit-price rule.
var (
	ErrNoNames       = fault.New(fault.Invalid, "contract: a certificate needs at least one FQDN or wildcard name", "")
	ErrTooManyNames  = fault.New(fault.Invalid, "contract: at most 250 names", "")
	ErrNegativeNames = fault.New(fault.Invalid, "contract: name counts cannot be negative", "")
	ErrNamesNotTaken = fault.New(fault.Invalid, "contract: this product takes no names", "")
	ErrNoWildcards   = fault.New(fault.Invalid, "contract: this product takes no wildcard names", "")
	ErrQuantity      = fault.New(fault.Invalid, "contract: quantity must be 1 to 1000", "")
	ErrPriceNegative = fault.New(fault.Invalid, "contract: prices cannot be negative", "")
)

// Prices are what a price entry charges, in yen, tax exclusive.
type Prices struct {
	Base           money.Yen // 提供価格: the certificate with its first FQDN
	AdditionalFQDN money.Yen // 各ネーム: each FQDN after the first
	Wildcard       money.Yen // 各ワイルドカードネーム: each wildcard name
}

// Names says which names a product takes.
type Names struct {
	FQDNs     bool
	Wildcards bool
}

// UnitPrice is the O-6 rule. For a product that takes names, a certificate
// with f FQDNs and w wildcard names costs
// (f ≥ 1 ? base + (f − 1) × additionalFQDN : 0) + w × wildcard and needs
// 1 ≤ f + w ≤ 250; any other product costs base and takes no names.
func UnitPrice(p Prices, n Names, fqdns, wildcards int) (money.Yen, error) {
	if p.Base < 0 || p.AdditionalFQDN < 0 || p.Wildcard < 0 {
		return 0, ErrPriceNegative
	}
	if fqdns < 0 || wildcards < 0 {
		return 0, ErrNegativeNames
	}
	if !n.FQDNs {
		if fqdns+wildcards > 0 {
			return 0, ErrNamesNotTaken
		}
		return p.Base, nil
	}
	if wildcards > 0 && !n.Wildcards {
		return 0, ErrNoWildcards
	}
	switch {
	case fqdns > MaxNames || wildcards > MaxNames || fqdns+wildcards > MaxNames:
		return 0, ErrTooManyNames
	case fqdns+wildcards == 0:
		return 0, ErrNoNames
	}
	var unit money.Yen
	if fqdns >= 1 {
		unit = p.Base + money.Yen(fqdns-1)*p.AdditionalFQDN
	}
	return unit + money.Yen(wildcards)*p.Wildcard, nil
}

// LinePrice is quantity × UnitPrice, with quantity 1-1000.
func LinePrice(p Prices, n Names, quantity, fqdns, wildcards int) (money.Yen, error) {
	if quantity < MinQuantity || quantity > MaxQuantity {
		return 0, ErrQuantity
	}
	unit, err := UnitPrice(p, n, fqdns, wildcards)
	if err != nil {
		return 0, err
	}
	return money.Yen(quantity) * unit, nil
}

// NewEntry is a price-table entry whose offered base price, when none is
// set (base nil), defaults to OfferedBase of the list price and discount.
func NewEntry(productID int64, years int, list money.Yen, discountBP int, base *money.Yen, fqdn, wildcard money.Yen) Entry {
	b := OfferedBase(list, discountBP)
	if base != nil {
		b = *base
	}
	return Entry{ProductID: productID, Years: years, ListPrice: list, DiscountBP: discountBP,
		Prices: Prices{Base: b, AdditionalFQDN: fqdn, Wildcard: wildcard}}
}

// OfferedBase is the default offered price: list × (1 − discount), rounded
// down to the yen; discount is in basis points (3000 = 30%).
func OfferedBase(list money.Yen, discountBP int) money.Yen {
	return list * money.Yen(10000-discountBP) / 10000
}
