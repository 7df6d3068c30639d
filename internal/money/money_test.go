package money

import (
	"math"
	"testing"
)

func TestYenString(t *testing.T) {
	cases := []struct {
		in   Yen
		want string
	}{
		{0, "¥0"}, {995, "¥995"}, {4975, "¥4,975"}, {1234567, "¥1,234,567"},
		{-1234, "-¥1,234"}, {100000, "¥100,000"}, {math.MaxInt64, "¥9,223,372,036,854,775,807"},
	}
	for _, c := range cases {
		if got := c.in.String(); got != c.want {
			t.Errorf("Yen(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTaxRoundsDownOnceOnTheTotal(t *testing.T) {
	cases := []struct {
		net  Yen
		rate int
		want Yen
	}{
		{0, 10, 0},
		{995, 10, 99},       // 99.5 → 99
		{999, 10, 99},       // 99.9 → 99
		{1000, 10, 100},     // exact
		{1, 10, 0},          // 0.1 → 0
		{12345, 8, 987},     // reduced rate: 987.6 → 987
		{-995, 10, -99},     // a credit mirrors the charge
		{157320, 10, 15732}, // exact
		{10_000_000_000, 10, 1_000_000_000},
		{4975, 0, 0}, // a zero rate
	}
	for _, c := range cases {
		if got := Tax(c.net, c.rate); got != c.want {
			t.Errorf("Tax(%d, %d%%) = %d, want %d", c.net, c.rate, got, c.want)
		}
		if got := WithTax(c.net, c.rate); got != c.net+c.want {
			t.Errorf("WithTax(%d, %d%%) = %d", c.net, c.rate, got)
		}
	}
	// Once on the total, not line by line: three lines of ¥995 are ¥2,985,
	// tax ¥298 — adding each line's rounded ¥99 would give ¥297.
	if got := Tax(3*995, 10); got != 298 {
		t.Errorf("tax on the total: %d, want 298", got)
	}
}
