package billing

import (
	"testing"
	"time"
)

func TestDueDateAcrossMonthEndsAndLeapYears(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct{ terms, issued, due string }{
		{"NET30EOM", "2028-01-31", "2028-02-29"}, // leap year
		{"NET30EOM", "2027-01-31", "2027-02-28"},
		{"NET30EOM", "2026-11-01", "2026-12-31"},
		{"NET30EOM", "2026-12-01", "2027-01-31"}, // over the year end
		{"NET60EOM", "2026-12-15", "2027-02-28"},
		{"NET60EOM", "2027-12-01", "2028-02-29"},
		{"NET90EOM", "2026-11-01", "2027-02-28"},
		{"NET90EOM", "2027-10-31", "2028-01-31"},
		{"NET45", "2026-11-01", "2026-12-16"},
		{"NET45", "2028-01-31", "2028-03-16"},
		{"NET50", "2026-12-01", "2027-01-20"},
		{"NET60", "2028-01-01", "2028-03-01"}, // 31 + 29 days
		{"NET60", "2027-01-01", "2027-03-02"},
	} {
		got, err := DueDate(c.terms, day(c.issued))
		if err != nil {
			t.Fatal(err)
		}
		if got.Format("2006-01-02") != c.due {
			t.Errorf("%s issued %s: due %s, want %s", c.terms, c.issued, got.Format("2006-01-02"), c.due)
		}
	}
	if _, err := DueDate("NET7", day("2026-11-01")); err == nil {
		t.Error("unknown terms accepted")
	}
}

func TestMonthBoundsAreJapanTime(t *testing.T) {
	m, err := ParseMonth("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Start().UTC().Format(time.RFC3339); got != "2026-09-30T15:00:00Z" {
		t.Errorf("start %s", got)
	}
	if got := m.End().UTC().Format(time.RFC3339); got != "2026-10-31T15:00:00Z" {
		t.Errorf("end %s", got)
	}
	lastInstant := time.Date(2026, 10, 31, 14, 59, 59, 900_000_000, time.UTC)
	if MonthOf(lastInstant) != m || MonthOf(lastInstant.Add(100*time.Millisecond)) != m.Next() {
		t.Error("23:59:59.9 JST belongs to October, 00:00 to November")
	}
	if m.Prev().String() != "2026-09" || m.Next().Next().String() != "2026-12" {
		t.Error("Prev/Next")
	}
}
