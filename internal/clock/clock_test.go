package clock_test

import (
	"context"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

func TestTestClockIsSharedThroughTheDatabase(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	a := clock.NewTest(pool)
	b := clock.NewTest(pool)

	target := time.Date(2026, 12, 1, 0, 0, 0, 0, clock.Tokyo)
	if err := a.Set(ctx, target, nil); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*clock.Test{"mover": a, "other instance": b} {
		if got := c.Now(); got.Sub(target).Abs() > 2*time.Second {
			t.Errorf("%s: now = %v, want about %v", name, got, target)
		}
	}
	if err := b.Advance(ctx, 48*time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	if got := b.Now(); got.Sub(target.Add(48*time.Hour)).Abs() > 2*time.Second {
		t.Errorf("after advance: %v", got)
	}
}

func TestDateIsTheJapanCalendarDay(t *testing.T) {
	utc := time.Date(2026, 10, 31, 15, 30, 0, 0, time.UTC) // 00:30 on 1 Nov in Tokyo
	if got := clock.Date(utc); got.Day() != 1 || got.Month() != time.November {
		t.Errorf("Date(%v) = %v, want 1 Nov", utc, got)
	}
}

// TestSetNeverLeavesTheClockBeforeItsTarget: a close set for midnight must
// find the new month, however little time passes after the move (the
// offset is stored in milliseconds).
func TestSetNeverLeavesTheClockBeforeItsTarget(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	c := clock.NewTest(pool)
	target := time.Date(2026, 11, 1, 0, 0, 0, 0, clock.Tokyo)
	for i := range 300 {
		at := target.AddDate(0, 0, i%3).Add(time.Duration(i) * 137 * time.Microsecond)
		if err := c.Set(ctx, at, nil); err != nil {
			t.Fatal(err)
		}
		if now := c.Now(); now.Before(at) {
			t.Fatalf("set to %s, now %s", at.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))
		}
	}
}
