package valid

import (
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

// ParseNumber reads a whole number as people type it in Japan: full-width
// digits (１,０００), thousands separators (500,000 or ５００，０００), a yen
// sign before (¥500,000, ￥500,000) or 円 after, surrounding spaces
// (full-width too) and a minus sign of any width. ok is false when what is
// left is not an integer.
func ParseNumber(s string) (n int64, ok bool) {
	s = width.Narrow.String(strings.TrimSpace(s))
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("−", "-", "‐", "-").Replace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	s = strings.TrimPrefix(s, "¥")
	s = strings.TrimSpace(strings.TrimSuffix(s, "円"))
	if !wellGrouped(s) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
	if err != nil || strings.HasPrefix(s, "+") {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// wellGrouped reports whether the commas of s (if any) separate groups of
// three digits, so that "1,000" reads as a thousand but "1,00" is refused
// rather than read as a hundred.
func wellGrouped(s string) bool {
	if !strings.Contains(s, ",") {
		return true
	}
	groups := strings.Split(s, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}
