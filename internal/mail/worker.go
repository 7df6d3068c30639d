package mail

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/postgres"
)

// MaxAttempts is how often a message is tried before it is given up.
const MaxAttempts = 8

// Worker delivers outbox messages. Several workers (in several instances)
// may run at once: each message is claimed with FOR UPDATE SKIP LOCKED and
// held locked while it is sent, so it is sent once.
type Worker struct {
	DB       *pgxpool.Pool
	Sender   Sender
	From     string
	Clock    clock.Clock
	Log      *slog.Logger
	Interval time.Duration
}

// Run delivers due messages every Interval until ctx is done.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		if _, err := w.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("mail outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverDue sends every message that is due now, one transaction each, and
// returns how many were sent.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		found, ok, err := w.deliverOne(ctx)
		if err != nil {
			return sent, err
		}
		if !found {
			break
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// deliverOne claims the oldest due message and tries it; found is false when
// none is due.
func (w *Worker) deliverOne(ctx context.Context) (found, ok bool, err error) {
	err = postgres.InTx(ctx, w.DB, func(q postgres.Querier) error {
		now := w.Clock.Now()
		var m Message
		err := q.QueryRow(ctx, `
			SELECT id, to_addrs, subject, body_text, attempts FROM mail_outbox
			WHERE sent_at IS NULL AND attempts < $2 AND next_attempt_at <= $1
			ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`, now, MaxAttempts).
			Scan(&m.ID, &m.To, &m.Subject, &m.BodyText, &m.Attempts)
		if err == pgx.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		sendErr := w.Sender.Send(ctx, w.From, m)
		ok = sendErr == nil
		return w.recordAttempt(ctx, q, m, now, sendErr)
	})
	return found, ok, err
}

func (w *Worker) recordAttempt(ctx context.Context, q postgres.Querier, m Message, now time.Time, sendErr error) error {
	if sendErr == nil {
		_, err := q.Exec(ctx, `UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1, last_error = '' WHERE id = $1`, m.ID, now)
		return err
	}
	w.Log.Warn("mail not delivered; will retry", "message_id", m.ID, "attempt", m.Attempts+1, "err", sendErr)
	_, err := q.Exec(ctx, `
		UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
		WHERE id = $1`, m.ID, truncate(sendErr.Error(), 500), now.Add(Backoff(m.Attempts+1)))
	return err
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

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("%s…", s[:n])
}
