package mail

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	gomail "github.com/wneessen/go-mail"
)

// build renders m as a MIME message: UTF-8, with the subject and attachment
// names encoded as RFC 2047 words (=?UTF-8?b?…?=) for Japanese, and the
// attachments in base64.
func build(from string, m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingB64))
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("from %q: %w", from, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(fmt.Sprintf("outbox-%d@portal", m.ID))
	msg.SetBodyString(gomail.TypeTextPlain, m.BodyText)
	for _, a := range m.Attachments {
		msg.AttachReadSeeker(a.FileName, bytes.NewReader(a.Content),
			gomail.WithFileContentType(gomail.ContentType(contentType(a))))
	}
	return msg, nil
}

// SMTPSender delivers through an SMTP server.
type SMTPSender struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string // starttls, tls or none
}

// Send delivers m; it returns the server's refusal or a connection error.
func (s SMTPSender) Send(ctx context.Context, from string, m Message) error {
	msg, err := build(from, m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.Port)}
	switch s.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// FileSender writes each message as an .eml file into Dir, for development
// without an SMTP server.
type FileSender struct{ Dir string }

// Send writes m to Dir/outbox-<id>.eml.
func (s FileSender) Send(_ context.Context, from string, m Message) error {
	msg, err := build(from, m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return err
	}
	return msg.WriteToFile(filepath.Join(s.Dir, fmt.Sprintf("outbox-%06d.eml", m.ID)))
}
