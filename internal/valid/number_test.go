package valid

import "testing"

func TestParseNumberAcceptsJapaneseInputHabits(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"500000", 500000, true},
		{"500,000", 500000, true},
		{"¥500,000", 500000, true},
		{"￥500,000", 500000, true},
		{"１,０００,０００", 1000000, true},
		{"１０００", 1000, true},
		{"５００，０００", 500000, true},
		{"１", 1, true},
		{" 12 ", 12, true},
		{"\u3000３\u3000", 3, true},
		{"500,000円", 500000, true},
		{"-1,000", -1000, true},
		{"－１,０００", -1000, true},
		{"−500", -500, true},
		{"", 0, false},
		{"abc", 0, false},
		{"1,00", 0, false},
		{"1.5", 0, false},
		{"+5", 0, false},
		{"¥", 0, false},
		{"12a", 0, false},
		{"99999999999999999999", 0, false},
	}
	for _, c := range cases {
		n, ok := ParseNumber(c.in)
		if ok != c.ok || (ok && n != c.want) {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d, %v", c.in, n, ok, c.want, c.ok)
		}
	}
}
