// Package clock gives the portal its notion of "now". Production uses the
// system clock; elsewhere a test clock adds an offset kept in the database,
// so that every instance (and the CLI) sees the same business time.
package clock

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Tokyo is the zone of every business date (order dates, months, due dates).
var Tokyo = mustLoadTokyo()

func mustLoadTokyo() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		// Japan has no daylight saving: a fixed zone is exact.
		return time.FixedZone("Asia/Tokyo", 9*60*60)
	}
	return loc
}

// Clock tells the business time.
type Clock interface {
	Now() time.Time
}

// System is the wall clock.
type System struct{}

// Now returns the system time.
func (System) Now() time.Time { return time.Now() }

// ErrRefused is returned when the test clock is moved in production.
var ErrRefused = fault.New(fault.Forbidden, "clock: the test clock is refused in production", "")

// Test is the shared test clock: system time plus an offset kept in the
// clock_offset table. Now never waits for the database once the offset is
// known: a stale offset (older than a second) is refreshed in the
// background, and the instance that moves the clock sees the change at once.
type Test struct {
	db      postgres.DB
	refresh time.Duration

	mu         sync.Mutex // guards the fields below
	offset     time.Duration
	readAt     time.Time
	loaded     bool
	generation int // counts moves, so that a slow refresh cannot undo one
	refreshing bool
}

// NewTest returns a test clock over the database.
func NewTest(db postgres.DB) *Test {
	return &Test{db: db, refresh: time.Second}
}

// Now returns system time plus the shared offset. Only the first call reads
// the offset before answering; if it cannot be read, the last known one
// (at first none) is used.
func (c *Test) Now() time.Time {
	real := time.Now()
	c.mu.Lock()
	loaded, offset := c.loaded, c.offset
	stale := real.Sub(c.readAt) >= c.refresh && !c.refreshing
	if loaded && stale {
		c.refreshing = true
	}
	c.mu.Unlock()
	switch {
	case !loaded:
		offset = c.load()
	case stale:
		go c.load()
	}
	return real.Add(offset)
}

// load reads the shared offset and keeps it, unless the clock was moved by
// this instance meanwhile; it returns the offset now known.
func (c *Test) load() time.Duration {
	c.mu.Lock()
	gen := c.generation
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var ms int64
	err := c.db.QueryRow(ctx, `SELECT offset_ms FROM clock_offset`).Scan(&ms)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil && gen == c.generation {
		c.offset = time.Duration(ms) * time.Millisecond
	}
	c.readAt, c.loaded, c.refreshing = time.Now(), true, false
	return c.offset
}

// Offset reports the current offset from the system time.
func (c *Test) Offset() time.Duration {
	c.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// Also runs inside the transaction that moves the clock (to audit it).
type Also func(q postgres.Querier, from, to time.Time) error

// Set moves business time to t.
func (c *Test) Set(ctx context.Context, t time.Time, also Also) error {
	return c.move(ctx, func(time.Duration) time.Duration { return time.Until(t) }, also)
}

// Advance moves business time by d (backwards when negative).
func (c *Test) Advance(ctx context.Context, d time.Duration, also Also) error {
	return c.move(ctx, func(cur time.Duration) time.Duration { return cur + d }, also)
}

// Reset returns business time to the system time.
func (c *Test) Reset(ctx context.Context, also Also) error {
	return c.move(ctx, func(time.Duration) time.Duration { return 0 }, also)
}

func (c *Test) move(ctx context.Context, next func(time.Duration) time.Duration, also Also) error {
	var to time.Duration
	err := postgres.InTx(ctx, c.db, func(q postgres.Querier) error {
		var ms int64
		if err := q.QueryRow(ctx, `SELECT offset_ms FROM clock_offset FOR UPDATE`).Scan(&ms); err != nil {
			return err
		}
		from := time.Duration(ms) * time.Millisecond
		// Rounded up to the stored millisecond: once Set(t) returns, Now()
		// is never before t (rounding down let a close set for midnight
		// run at 23:59:59.9996 and find the month still open).
		to = time.Duration(math.Ceil(float64(next(from))/float64(time.Millisecond))) * time.Millisecond
		if _, err := q.Exec(ctx, `UPDATE clock_offset SET offset_ms = $1, updated_at = now()`, to.Milliseconds()); err != nil {
			return err
		}
		if also == nil {
			return nil
		}
		now := time.Now()
		return also(q, now.Add(from), now.Add(to))
	})
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.offset, c.readAt, c.loaded = to, time.Now(), true
	c.generation++
	c.mu.Unlock()
	return nil
}

// Date returns the Japan-time calendar date of t at midnight in Tokyo.
func Date(t time.Time) time.Time {
	y, m, d := t.In(Tokyo).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Tokyo)
}

// SameDay returns d's calendar day (as written, whatever its zone) at
// midnight in Tokyo: a DATE column read back from PostgreSQL comes as
// midnight UTC and means that day in Japan.
func SameDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Tokyo)
}
