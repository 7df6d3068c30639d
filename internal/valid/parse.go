package valid

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/ccp-partner/portal/internal/clock"
)

// Date parses value as a calendar date (2006-01-02) at midnight in Japan;
// on failure it records a problem and returns the zero time.
func (e Errors) Date(field, value string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(value), clock.Tokyo)
	if err != nil {
		e.Add(field, "form.date")
		return time.Time{}
	}
	return t
}

// Period parses a filter's optional from and to dates (Japan dates, both
// inclusive, as people mean them) into the half-open range [start, end):
// end is midnight after the to date. An empty date leaves its end open
// (the zero time); a bad one records a problem.
func (e Errors) Period(fromField, from, toField, to string) (start, end time.Time) {
	if strings.TrimSpace(from) != "" {
		start = e.Date(fromField, from)
	}
	if strings.TrimSpace(to) != "" {
		if d := e.Date(toField, to); !d.IsZero() {
			end = d.AddDate(0, 0, 1)
		}
	}
	return start, end
}

// PercentBP parses a percentage with at most two decimals ("30", "12.5")
// into basis points (3000, 1250); empty means 0.
func (e Errors) PercentBP(field, value string) int {
	value = strings.TrimSuffix(strings.TrimSpace(width.Narrow.String(value)), "%")
	if value == "" {
		return 0
	}
	whole, frac, _ := strings.Cut(value, ".")
	if len(frac) > 2 {
		e.Add(field, "contract.discount_range")
		return 0
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.Atoi(whole)
	f, err2 := strconv.Atoi(frac)
	bp := w*100 + f
	if err1 != nil || err2 != nil || w < 0 || bp > 10000 {
		e.Add(field, "contract.discount_range")
		return 0
	}
	return bp
}

// Yen parses an optional amount of yen ("1,234" allowed); empty is ok=false
// without a problem.
func (e Errors) Yen(field, value string, max int64) (n int64, present bool) {
	if strings.TrimSpace(value) == "" {
		return 0, false
	}
	n, ok := e.Int(field, value, 0, max)
	return n, ok
}
