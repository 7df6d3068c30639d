package billing

import (
	"fmt"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
)

// Month is the first day of a Japan-time calendar month (00:00 Asia/Tokyo).
type Month struct{ start time.Time }

// MonthOf is the Japan-time month of t.
func MonthOf(t time.Time) Month {
	t = t.In(clock.Tokyo)
	return Month{time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, clock.Tokyo)}
}

// ParseMonth reads "2026-10".
func ParseMonth(s string) (Month, error) {
	t, err := time.ParseInLocation("2006-01", s, clock.Tokyo)
	if err != nil {
		return Month{}, fmt.Errorf("billing: month %q: want YYYY-MM", s)
	}
	return Month{t}, nil
}

// Start is the month's first instant; End is the next month's.
func (m Month) Start() time.Time { return m.start }

// End is the first instant of the next month: entries of m are at < End.
func (m Month) End() time.Time { return m.start.AddDate(0, 1, 0) }

// Next is the month after m; Prev the one before.
func (m Month) Next() Month { return Month{m.End()} }

// Prev is the month before m.
func (m Month) Prev() Month { return Month{m.start.AddDate(0, -1, 0)} }

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.start.Before(o.start) }

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m.start.IsZero() }

// String is "2026-10".
func (m Month) String() string { return m.start.Format("2006-01") }

// Date is the month's first day as a date (for SQL date columns).
func (m Month) Date() time.Time {
	return time.Date(m.start.Year(), m.start.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// monthFromDate turns a date column back into a Month.
func monthFromDate(d time.Time) Month {
	return Month{time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, clock.Tokyo)}
}

// PaymentTerms are the contract's payment terms (M-7), as the manual
// defines them.
var PaymentTerms = map[string]struct {
	days   int // invoice date + days
	months int // or: the last day of the months-th month after the invoice month
}{
	"NET45": {days: 45}, "NET50": {days: 50}, "NET60": {days: 60},
	"NET30EOM": {months: 1}, "NET60EOM": {months: 2}, "NET90EOM": {months: 3},
}

// DueDate is the due date of an invoice issued on issued (a Japan date)
// under terms: NET45/50/60 add days; NET30/60/90EOM give the last day of
// the 1st, 2nd or 3rd month after the invoice month.
func DueDate(terms string, issued time.Time) (time.Time, error) {
	t, ok := PaymentTerms[terms]
	if !ok {
		return time.Time{}, fmt.Errorf("billing: unknown payment terms %q", terms)
	}
	d := time.Date(issued.Year(), issued.Month(), issued.Day(), 0, 0, 0, 0, issued.Location())
	if t.days > 0 {
		return d.AddDate(0, 0, t.days), nil
	}
	// Day 0 of the month after the target month is the target's last day.
	return time.Date(d.Year(), d.Month()+time.Month(t.months)+1, 0, 0, 0, 0, 0, d.Location()), nil
}
