// Package money is the portal's money: whole yen in an int64, never a float.
package money

import "strconv"

// Yen is an amount of Japanese yen (tax exclusive unless a name says otherwise).
type Yen int64

// String formats y as ¥1,234,567 (negative: -¥1,234).
func (y Yen) String() string {
	sign := ""
	n := int64(y)
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + "¥" + groupThousands(strconv.FormatInt(n, 10))
}

func groupThousands(digits string) string {
	out := make([]byte, 0, len(digits)+len(digits)/3)
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, digits[i])
	}
	return string(out)
}

// Tax is the consumption tax on net at ratePercent, rounded down (切捨て)
// once: the rule is applied to a per-rate total (an invoice's, an order's),
// never line by line and added up. A negative net (a credit) gives the
// negative of the tax on its absolute value, so that a credit note mirrors
// the invoice it corrects.
func Tax(net Yen, ratePercent int) Yen {
	return net * Yen(ratePercent) / 100 // Go's division truncates toward zero
}

// WithTax is net plus Tax(net, ratePercent).
func WithTax(net Yen, ratePercent int) Yen { return net + Tax(net, ratePercent) }
