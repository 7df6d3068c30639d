package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/postgres"
)

// DefaultLease is how long a claim holds when Queue.Lease is zero. A
// running worker renews it every third of it; a crashed worker's message is
// claimed again at most this long after the crash.
const DefaultLease = time.Minute

// ErrLeaseLost is returned by Queue.Finish (and is the cause of a
// delivery's cancelled context) when another worker has claimed the job
// since: this worker's outcome is not recorded.
var ErrLeaseLost = errors.New("outbox: the lease passed to another worker")

// Job is one claimed row of an outbox table.
type Job[T any] struct {
	ID        int64
	Attempt   int    // 1 for the first delivery
	ClaimedBy string // this claim: owner and a random token
	Payload   T

	heldUntil time.Time // when the lease ends by the local clock, read before the claim was sent: it errs early
}

// Queue is the claim, lease, retry and backoff loop over one outbox table,
// independent of what is delivered: mail uses it on mail_outbox, and a
// later outbox (webhooks) can use it on a table of its own with the same
// columns: id bigint, attempts int, next_attempt_at timestamptz,
// lease_until timestamptz, claimed_by text, sent_at timestamptz, last_error
// text, plus its payload columns.
//
// Each statement commits by itself, and no transaction is open while a job
// is delivered:
//
//  1. Claim counts the attempt and sets lease_until (database clock) and a
//     fresh claimed_by on the oldest due row (FOR UPDATE SKIP LOCKED);
//  2. Deliver runs while a goroutine renews the lease every Lease/3, so a
//     live worker never loses it; when the renewal finds the claim taken or
//     cannot reach the database before the lease ends, the delivery's
//     context is cancelled with ErrLeaseLost;
//  3. Finish marks the row sent, or schedules the retry after Backoff, only
//     while claimed_by is still this claim.
//
// A worker that dies stops renewing: its lease ends and another worker
// claims the row. Delivery is at least once: a worker that dies after the
// recipient took the message but before Finish causes a second delivery.
type Queue[T any] struct {
	DB          postgres.Querier // a pool, not a transaction
	Table       string           // e.g. "mail_outbox"
	Columns     []string         // the payload columns a claim returns
	Dest        func(*T) []any   // where to scan Columns
	Deliver     func(ctx context.Context, j Job[T]) error
	Now         func() time.Time // business time: next_attempt_at, sent_at
	Lease       time.Duration    // 0: DefaultLease
	MaxAttempts int
	Backoff     func(failures int) time.Duration
	Owner       string // claimed_by prefix; empty: host:pid
	Log         *slog.Logger
}

// Run delivers due jobs every interval until ctx is done.
func (q *Queue[T]) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := q.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			q.log().Error("outbox", "table", q.Table, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverDue claims and delivers due jobs one at a time until none is due,
// and returns how many were delivered. It stops at the first database
// error; a failed delivery is scheduled for retry and does not stop it.
func (q *Queue[T]) DeliverDue(ctx context.Context) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		j, ok, err := q.Claim(ctx)
		if err != nil || !ok {
			return sent, err
		}
		deliverErr := q.deliver(ctx, j)
		// Record the outcome even when ctx ends (shutdown): otherwise the
		// job waits for its lease to run out and is delivered again.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err = q.Finish(fctx, j, deliverErr)
		cancel()
		switch {
		case errors.Is(err, ErrLeaseLost):
			q.log().Warn("outbox: lease lost; another worker has the job", "table", q.Table, "id", j.ID, "attempt", j.Attempt)
		case err != nil:
			return sent, err
		case deliverErr == nil:
			sent++
		case j.Attempt >= q.MaxAttempts:
			q.log().Error("outbox: not delivered; given up", "table", q.Table, "id", j.ID, "attempt", j.Attempt, "err", deliverErr)
		default:
			q.log().Warn("outbox: not delivered; will retry", "table", q.Table, "id", j.ID, "attempt", j.Attempt, "err", deliverErr)
		}
	}
	return sent, nil
}

// Claim takes the oldest due job that no live lease holds, in one
// committed statement; ok is false when none is due.
func (q *Queue[T]) Claim(ctx context.Context) (j Job[T], ok bool, err error) {
	table := pgx.Identifier{q.Table}.Sanitize()
	cols := make([]string, len(q.Columns))
	for i, c := range q.Columns {
		cols[i] = pgx.Identifier{c}.Sanitize()
	}
	j.ClaimedBy = q.owner() + "/" + rand.Text()[:12]
	j.heldUntil = time.Now().Add(q.lease())
	dest := append([]any{&j.ID, &j.Attempt}, q.Dest(&j.Payload)...)
	err = q.DB.QueryRow(ctx, `
		UPDATE `+table+` SET attempts = attempts + 1, claimed_by = $1,
			lease_until = now() + make_interval(secs => $2)
		WHERE id = (
			SELECT id FROM `+table+`
			WHERE sent_at IS NULL AND attempts < $3 AND next_attempt_at <= $4
			  AND (lease_until IS NULL OR lease_until <= now())
			ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING id, attempts, `+strings.Join(cols, ", "),
		j.ClaimedBy, q.lease().Seconds(), q.MaxAttempts, q.Now()).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return j, false, nil
	}
	if err != nil {
		return j, false, fmt.Errorf("outbox: claim from %s: %w", q.Table, err)
	}
	return j, true, nil
}

// Renew extends j's lease by Lease from now; ok is false when the claim is
// no longer j's.
func (q *Queue[T]) Renew(ctx context.Context, j Job[T]) (ok bool, err error) {
	tag, err := q.DB.Exec(ctx, `
		UPDATE `+pgx.Identifier{q.Table}.Sanitize()+` SET lease_until = now() + make_interval(secs => $3)
		WHERE id = $1 AND claimed_by = $2 AND sent_at IS NULL`, j.ID, j.ClaimedBy, q.lease().Seconds())
	if err != nil {
		return false, fmt.Errorf("outbox: renew lease: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Finish records j's outcome: sent when deliverErr is nil, otherwise the
// error and the next attempt after Backoff. It returns ErrLeaseLost, and
// records nothing, when another worker has claimed j since.
func (q *Queue[T]) Finish(ctx context.Context, j Job[T], deliverErr error) error {
	table := pgx.Identifier{q.Table}.Sanitize()
	now := q.Now()
	sql, args := `
		UPDATE `+table+` SET sent_at = $3, lease_until = NULL, last_error = ''
		WHERE id = $1 AND claimed_by = $2 AND sent_at IS NULL`, []any{j.ID, j.ClaimedBy, now}
	if deliverErr != nil {
		sql, args = `
			UPDATE `+table+` SET lease_until = NULL, last_error = $3, next_attempt_at = $4
			WHERE id = $1 AND claimed_by = $2 AND sent_at IS NULL`,
			[]any{j.ID, j.ClaimedBy, truncate(deliverErr.Error(), 500), now.Add(q.Backoff(j.Attempt))}
	}
	tag, err := q.DB.Exec(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("outbox: record attempt in %s: %w", q.Table, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrLeaseLost
	}
	return nil
}

// deliver runs Deliver while keeping j's lease.
func (q *Queue[T]) deliver(ctx context.Context, j Job[T]) error {
	dctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	rctx, stop := context.WithCancel(dctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		q.keepLease(rctx, j, cancel)
	}()
	err := q.Deliver(dctx, j)
	stop()
	<-renewed
	if cause := context.Cause(dctx); err != nil && errors.Is(cause, ErrLeaseLost) && !errors.Is(err, ErrLeaseLost) {
		return fmt.Errorf("%w (%w)", err, cause)
	}
	return err
}

// keepLease renews j's lease every Lease/3 until ctx ends; it cancels the
// delivery when the claim was taken, or when renewals keep failing until
// the lease is about to end.
func (q *Queue[T]) keepLease(ctx context.Context, j Job[T], cancel context.CancelCauseFunc) {
	held, every := j.heldUntil, q.lease()/3
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		rctx, cancelRenew := context.WithDeadline(ctx, held) // a renewal that hangs past the lease is a failed one
		ok, err := q.Renew(rctx, j)
		cancelRenew()
		switch {
		case ctx.Err() != nil:
			return
		case err == nil && ok:
			held = start.Add(q.lease())
		case err == nil:
			cancel(ErrLeaseLost)
			return
		case time.Until(held) < every:
			cancel(fmt.Errorf("%w: %w", ErrLeaseLost, err))
			return
		default:
			q.log().Warn("outbox: lease not renewed; will try again", "table", q.Table, "id", j.ID, "err", err)
		}
	}
}

func (q *Queue[T]) lease() time.Duration {
	if q.Lease > 0 {
		return q.Lease
	}
	return DefaultLease
}

func (q *Queue[T]) log() *slog.Logger {
	if q.Log != nil {
		return q.Log
	}
	return slog.Default()
}

func (q *Queue[T]) owner() string {
	if q.Owner != "" {
		return q.Owner
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

// Backoff is the wait before attempt n+1 after n failures: 30 s doubling,
// at most 2 hours.
func Backoff(failures int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < failures && d < 2*time.Hour; i++ {
		d *= 2
	}
	return min(d, 2*time.Hour)
}

// truncate keeps at most n bytes of s, cut at a rune boundary, without NUL
// bytes (which a text column refuses).
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
