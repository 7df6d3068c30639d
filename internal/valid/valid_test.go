package valid

import (
	"testing"
	"time"
)

func TestErrors(t *testing.T) {
	e := Errors{}
	e.Text("name", " ", 10)
	e.Text("title", "長すぎるタイトルです。", 5)
	e.Email("email", "not-an-email")
	if _, ok := e.Int("limit", "1,000,001", 0, 1000000); ok {
		t.Error("out of range accepted")
	}
	if n, ok := (Errors{}).Int("limit", "1,000", 0, 1000000); !ok || n != 1000 {
		t.Errorf("1,000 → %d %v", n, ok)
	}
	want := map[string]string{"name": "form.required", "title": "form.too_long", "email": "form.email", "limit": "form.int_range"}
	for f, id := range want {
		if e.ID(f) != id {
			t.Errorf("%s: %q, want %q", f, e.ID(f), id)
		}
	}
	if e.Err() == nil || (Errors{}).Err() != nil {
		t.Error("Err()")
	}
	list := (Errors{}).EmailList("emails", "a@acme.example, b@acme.example\nc@acme.example")
	if len(list) != 3 {
		t.Errorf("EmailList: %v", list)
	}
	bad := Errors{}
	bad.EmailList("emails", "a@acme.example, nope")
	if bad.ID("emails") != "form.email_list" || bad.Data("emails")["Address"] != "nope" {
		t.Errorf("bad list: %+v", bad)
	}
}

func TestPercentAndDates(t *testing.T) {
	e := Errors{}
	for in, want := range map[string]int{"30": 3000, "12.5": 1250, "0.25": 25, "": 0, "100": 10000, "99.28%": 9928} {
		if got := e.PercentBP("d", in); got != want {
			t.Errorf("PercentBP(%q) = %d, want %d", in, got, want)
		}
	}
	if len(e) != 0 {
		t.Fatalf("unexpected problems %v", e)
	}
	for _, bad := range []string{"100.01", "-1", "1.234", "x"} {
		b := Errors{}
		b.PercentBP("d", bad)
		if b.ID("d") == "" {
			t.Errorf("PercentBP(%q) accepted", bad)
		}
	}
	if d := e.Date("x", "2026-04-01"); d.Day() != 1 || d.Location().String() != "Asia/Tokyo" {
		t.Errorf("Date: %v", d)
	}
	e.Date("y", "2026/04/01")
	if e.ID("y") != "form.date" {
		t.Error("bad date accepted")
	}
}

func TestPeriodIsTheWholeOfBothDays(t *testing.T) {
	e := Errors{}
	start, end := e.Period("from", "2026-10-01", "to", "2026-10-31")
	if len(e) != 0 || start.Format(time.RFC3339) != "2026-10-01T00:00:00+09:00" || end.Format(time.RFC3339) != "2026-11-01T00:00:00+09:00" {
		t.Errorf("October: [%s, %s) %v", start, end, e)
	}
	if start, end := e.Period("from", "", "to", ""); !start.IsZero() || !end.IsZero() {
		t.Error("empty dates must leave the period open")
	}
	e = Errors{}
	e.Period("from", "10/01", "to", "2026-13-01")
	if e.ID("from") != "form.date" || e.ID("to") != "form.date" {
		t.Errorf("bad dates: %v", e)
	}
}
