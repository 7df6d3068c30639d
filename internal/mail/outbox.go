// Package mail is the portal's outgoing email: messages are written to the
// outbox inside the transaction that causes them, and a worker delivers each
// one, through SMTP or (in development) as .eml files. The worker claims a
// message with a lease and sends it outside any transaction (see Queue).
package mail

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/postgres"
)

// Message is one email, already rendered in its recipient's language.
type Message struct {
	ID          int64
	To          []string
	Subject     string
	BodyText    string
	Attachments []Attachment
	Attempts    int // deliveries started so far
}

// Attachment is a file sent with a message.
type Attachment struct {
	FileName    string // as the recipient sees it, e.g. 請求書_2026-10.pdf
	ContentType string // e.g. application/pdf; empty: guessed from FileName's extension
	Content     []byte
}

// Enqueue writes m and its attachments to the outbox through q, normally
// the caller's transaction, so that the message exists exactly when the
// change does. It is one statement, so that even outside a transaction a
// worker never sees the message without its attachments. It returns an
// error for a message without recipients or an attachment without a name.
func Enqueue(ctx context.Context, q postgres.Querier, now time.Time, m Message) error {
	if len(m.To) == 0 {
		return errors.New("mail: a message needs at least one recipient")
	}
	names := make([]string, len(m.Attachments))
	types := make([]string, len(m.Attachments))
	contents := make([][]byte, len(m.Attachments))
	for i, a := range m.Attachments {
		if a.FileName == "" {
			return fmt.Errorf("mail: attachment %d has no file name", i+1)
		}
		names[i], types[i], contents[i] = a.FileName, contentType(a), a.Content
		if contents[i] == nil {
			contents[i] = []byte{}
		}
	}
	_, err := q.Exec(ctx, `
		WITH m AS (
			INSERT INTO mail_outbox (created_at, to_addrs, subject, body_text, next_attempt_at)
			VALUES ($1, $2, $3, $4, $1) RETURNING id)
		INSERT INTO mail_attachments (message_id, position, file_name, content_type, content)
		SELECT m.id, a.position, a.file_name, a.content_type, a.content
		FROM m, unnest($5::text[], $6::text[], $7::bytea[]) WITH ORDINALITY
			AS a(file_name, content_type, content, position)`,
		now, m.To, m.Subject, m.BodyText, names, types, contents)
	if err != nil {
		return fmt.Errorf("mail: enqueue: %w", err)
	}
	return nil
}

func contentType(a Attachment) string {
	if a.ContentType != "" {
		return a.ContentType
	}
	if t := mime.TypeByExtension(filepath.Ext(a.FileName)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, from string, m Message) error
}

// List returns every outbox message with its attachments, oldest first (for
// tests and support).
func List(ctx context.Context, q postgres.Querier) ([]Message, error) {
	rows, err := q.Query(ctx, `SELECT id, to_addrs, subject, body_text, attempts FROM mail_outbox ORDER BY id`)
	if err != nil {
		return nil, err
	}
	msgs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) {
		var m Message
		err := r.Scan(&m.ID, &m.To, &m.Subject, &m.BodyText, &m.Attempts)
		return m, err
	})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Message, len(msgs))
	for i := range msgs {
		byID[msgs[i].ID] = &msgs[i]
	}
	rows, err = q.Query(ctx, `SELECT message_id, file_name, content_type, content FROM mail_attachments ORDER BY message_id, position`)
	if err != nil {
		return nil, err
	}
	var id int64
	var a Attachment
	_, err = pgx.ForEachRow(rows, []any{&id, &a.FileName, &a.ContentType, &a.Content}, func() error {
		if m := byID[id]; m != nil {
			m.Attachments = append(m.Attachments, a)
		}
		return nil
	})
	return msgs, err
}

// attachments reads one message's attachments in order.
func attachments(ctx context.Context, q postgres.Querier, messageID int64) ([]Attachment, error) {
	rows, err := q.Query(ctx, `
		SELECT file_name, content_type, content FROM mail_attachments
		WHERE message_id = $1 ORDER BY position`, messageID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Attachment, error) {
		var a Attachment
		err := r.Scan(&a.FileName, &a.ContentType, &a.Content)
		return a, err
	})
}

// Translator renders a message id in one language (an *i18n.Localizer).
type Translator interface {
	T(id string, data ...map[string]any) string
}

// Translated is the message whose subject and body are the ids
// "<id>.subject" and "<id>.body" rendered by l with data, to the addresses
// in to: every email of the portal is written in its reader's language.
func Translated(l Translator, to []string, id string, data map[string]any) Message {
	return Message{To: to, Subject: l.T(id+".subject", data), BodyText: l.T(id+".body", data)}
}
