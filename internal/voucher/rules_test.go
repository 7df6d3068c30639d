package voucher

import (
	"regexp"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
)

var codeRE = regexp.MustCompile(`^[A-Z2-7]{32}$`)

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if !codeRE.MatchString(c) || seen[c] {
			t.Fatalf("bad or repeated code %q", c)
		}
		seen[c] = true
	}
	if Mask("26YNRKHK7T54LX7CT6ZPLQIVD5DR7EPU") != "26YNR*****" {
		t.Error("mask")
	}
}

func TestExpiry(t *testing.T) {
	cases := map[string]string{
		"2020-07-28T10:00:00+09:00": "2021-07-27", // the manual's example
		"2020-07-27T16:00:00Z":      "2021-07-27", // 01:00 on 28 Jul in Japan
		"2024-02-29T12:00:00+09:00": "2025-02-28",
		"2026-01-01T00:00:00+09:00": "2026-12-31",
	}
	for in, want := range cases {
		at, _ := time.Parse(time.RFC3339, in)
		if got := ExpiresOn(at).Format(time.DateOnly); got != want {
			t.Errorf("ExpiresOn(%s) = %s, want %s", in, got, want)
		}
	}
	exp := time.Date(2021, 7, 27, 0, 0, 0, 0, time.UTC) // as a DATE column reads back
	for at, want := range map[string]string{"2021-07-27T23:59:00+09:00": CodeActive, "2021-07-28T00:00:00+09:00": CodeExpired} {
		now, _ := time.Parse(time.RFC3339, at)
		if got := DisplayStatus(CodeActive, exp, now); got != want {
			t.Errorf("at %s: %s, want %s", at, got, want)
		}
	}
	if DisplayStatus(CodeUsed, exp, time.Date(2030, 1, 1, 0, 0, 0, 0, clock.Tokyo)) != CodeUsed {
		t.Error("a used code never shows as expired")
	}
}

func TestCancellable(t *testing.T) {
	created := time.Date(2026, 11, 1, 10, 0, 0, 0, clock.Tokyo)
	active := []string{CodeActive, CodeActive}
	cases := []struct {
		name   string
		status string
		at     time.Time
		codes  []string
		want   bool
	}{
		{"30 days minus a minute", OrderCompleted, created.Add(CancelWindow - time.Minute), active, true},
		{"exactly 30 days", OrderCompleted, created.Add(CancelWindow), active, true},
		{"30 days plus a minute", OrderCompleted, created.Add(CancelWindow + time.Minute), active, false},
		{"one code used", OrderCompleted, created.Add(time.Hour), []string{CodeActive, CodeUsed}, false},
		{"a reissued-away code does not count", OrderCompleted, created.Add(time.Hour), []string{CodeReissued, CodeActive}, true},
		{"already cancelled", OrderCancelled, created.Add(time.Hour), []string{CodeCancelled}, false},
	}
	for _, c := range cases {
		if got := Cancellable(c.status, created, c.at, c.codes); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

// TestExpiredSQLSaysWhatGoSays: the SQL form of the expiry rule compares
// the DATE column with the same cutoff the Go form uses.
func TestExpiredSQLSaysWhatGoSays(t *testing.T) {
	now := time.Date(2021, 7, 27, 23, 59, 59, 0, clock.Tokyo)
	cond, arg := expiredSQL("o.expires_on", now)
	if cond != "o.expires_on < ?" || arg != "2021-07-27" {
		t.Errorf("expiredSQL = %q, %q", cond, arg)
	}
	// What the SQL condition means, for the days around the cutoff.
	for _, d := range []string{"2021-07-26", "2021-07-27", "2021-07-28"} {
		day, _ := time.Parse(time.DateOnly, d)
		if sqlSays := d < arg; sqlSays != Expired(day, now) {
			t.Errorf("expires %s at %s: SQL says %v, Go says %v", d, now, sqlSays, Expired(day, now))
		}
	}
}

func TestCancelledAndReissuedCodesHaveNoVoucher(t *testing.T) {
	for status, want := range map[string]bool{CodeActive: true, CodeUsed: true, CodeCancelled: false, CodeReissued: false} {
		if got := (Code{Status: status}).HasVoucher(); got != want {
			t.Errorf("a %s code has a voucher: %v", status, got)
		}
	}
	if (Order{Status: OrderCancelled}).HasVouchers() || !(Order{Status: OrderCompleted}).HasVouchers() {
		t.Error("only a cancelled order has no vouchers")
	}
}
