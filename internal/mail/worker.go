package mail

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/clock"
)

// MaxAttempts is how often a message is tried before it is given up.
const MaxAttempts = 8

// Worker delivers outbox messages. Several workers (in several instances)
// may run at once: each claims a message with a lease, sends it with no
// transaction open and records the outcome (see Queue), so a message is
// sent once while its worker lives, and again only after a worker died
// mid-send.
type Worker struct {
	DB       *pgxpool.Pool
	Sender   Sender
	From     string
	Clock    clock.Clock
	Log      *slog.Logger
	Interval time.Duration
	Lease    time.Duration // 0: DefaultLease
}

// Run delivers due messages every Interval until ctx is done.
func (w *Worker) Run(ctx context.Context) { w.Queue().Run(ctx, w.Interval) }

// DeliverDue sends every message that is due now and returns how many were
// sent; it stops at the first database error.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) { return w.Queue().DeliverDue(ctx) }

// Queue is the worker's claim, lease and retry loop over mail_outbox.
func (w *Worker) Queue() *Queue[Message] {
	return &Queue[Message]{
		DB:      w.DB,
		Table:   "mail_outbox",
		Columns: []string{"to_addrs", "subject", "body_text"},
		Dest:    func(m *Message) []any { return []any{&m.To, &m.Subject, &m.BodyText} },
		Deliver: w.deliver, Now: w.Clock.Now, Lease: w.Lease,
		MaxAttempts: MaxAttempts, Backoff: Backoff, Log: w.Log,
	}
}

// deliver reads the message's attachments and sends it.
func (w *Worker) deliver(ctx context.Context, j Job[Message]) error {
	m := j.Payload
	m.ID, m.Attempts = j.ID, j.Attempt
	atts, err := attachments(ctx, w.DB, m.ID)
	if err != nil {
		return fmt.Errorf("mail: read attachments: %w", err)
	}
	m.Attachments = atts
	return w.Sender.Send(ctx, w.From, m)
}
