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
