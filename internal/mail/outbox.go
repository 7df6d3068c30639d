// Package mail is the portal's outgoing email: messages are written to the
// outbox inside the transaction that causes them, and a worker delivers each
// one once, through SMTP or (in development) as .eml files.
package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/postgres"
)

// Message is one email, already rendered in its recipient's language.
type Message struct {
	ID       int64
	To       []string
	Subject  string
	BodyText string
	Attempts int
}

// Enqueue writes m to the outbox through q, normally the caller's
// transaction, so that the message exists exactly when the change does.
func Enqueue(ctx context.Context, q postgres.Querier, now time.Time, m Message) error {
	if len(m.To) == 0 {
		return errors.New("mail: a message needs at least one recipient")
	}
	_, err := q.Exec(ctx, `
		INSERT INTO mail_outbox (created_at, to_addrs, subject, body_text, next_attempt_at)
		VALUES ($1, $2, $3, $4, $1)`, now, m.To, m.Subject, m.BodyText)
	if err != nil {
		return fmt.Errorf("mail: enqueue: %w", err)
	}
	return nil
}

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, from string, m Message) error
}

// List returns every outbox message, oldest first (for tests and support).
func List(ctx context.Context, q postgres.Querier) ([]Message, error) {
	rows, err := q.Query(ctx, `SELECT id, to_addrs, subject, body_text, attempts FROM mail_outbox ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) {
		var m Message
		err := r.Scan(&m.ID, &m.To, &m.Subject, &m.BodyText, &m.Attempts)
		return m, err
	})
}
