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
