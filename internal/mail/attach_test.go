package mail_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

const (
	invoiceName = "請求書_2026-10.pdf"
	// Long enough for the encoder to split it into several encoded words
	// and for the header to be folded.
	statementName = "2026年10月分_ご利用明細書_アクメコーポレーション株式会社様_INV-2026-10-000123.pdf"
)

// fakePDF is n random bytes behind a PDF header: every byte value occurs.
func fakePDF(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return append([]byte("%PDF-1.4\n"), b...)
}

// received is an attachment as a mail client reads it.
type received struct {
	name, contentType, disposition string
	content                        []byte
}

// attachmentsOf parses a raw message as a mail client would: the
// multipart body, the RFC 2047 words in the file name, base64 content.
func attachmentsOf(t *testing.T, raw string) []received {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q, %v", mt, err)
	}
	var got []received
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		disp, dparams, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		if disp != "attachment" {
			continue
		}
		var dec mime.WordDecoder
		name, err := dec.DecodeHeader(dparams["filename"])
		if err != nil {
			t.Fatalf("file name %q: %v", dparams["filename"], err)
		}
		ct, ctParams, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if ctName, _ := dec.DecodeHeader(ctParams["name"]); ctName != name {
			t.Errorf("Content-Type name %q, Content-Disposition filename %q", ctName, name)
		}
		if enc := p.Header.Get("Content-Transfer-Encoding"); enc != "base64" {
			t.Fatalf("attachment encoded as %q", enc)
		}
		content, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, received{name: name, contentType: ct, disposition: p.Header.Get("Content-Disposition"), content: content})
	}
}

func TestAttachedInvoiceArrivesOnceWithItsJapaneseName(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	sk, sender := startSink(t, 2)
	tc := clock.NewTest(pool)
	w := &mail.Worker{DB: pool, Sender: sender, From: "portal@operator.example", Clock: tc,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Interval: time.Hour}
	invoice, statement := fakePDF(t, 300<<10), fakePDF(t, 2<<10)
	err := postgres.InTx(ctx, pool, func(q postgres.Querier) error {
		return mail.Enqueue(ctx, q, tc.Now(), mail.Message{To: []string{"billing@acme.example"},
			Subject: "10月分のご請求書", BodyText: "請求書を添付します。",
			Attachments: []mail.Attachment{
				{FileName: invoiceName, ContentType: "application/pdf", Content: invoice},
				{FileName: statementName, Content: statement}, // type from the extension
			}})
	})
	if err != nil {
		t.Fatal(err)
	}

	// Two refusals, each retried after its backoff, then the delivery.
	for failures := 1; failures <= 2; failures++ {
		if n, err := w.DeliverDue(ctx); err != nil || n != 0 {
			t.Fatalf("attempt %d: sent %d, err %v", failures, n, err)
		}
		if n, _ := w.DeliverDue(ctx); n != 0 || sk.attempts != failures {
			t.Fatalf("retried before backoff: sent %d, attempts %d", n, sk.attempts)
		}
		if err := tc.Advance(ctx, mail.Backoff(failures)+time.Second, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := w.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("third attempt: sent %d, err %v", n, err)
	}
	if err := tc.Advance(ctx, 24*time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.DeliverDue(ctx); n != 0 {
		t.Fatalf("sent again: %d", n)
	}
	if len(sk.got) != 1 || sk.attempts != 3 {
		t.Fatalf("server received %d messages in %d attempts", len(sk.got), sk.attempts)
	}

	raw := sk.got[0]
	if !strings.Contains(raw, `attachment; filename="=?UTF-8?b?`) {
		t.Errorf("file name not RFC 2047-encoded:\n%s", raw[:min(len(raw), 3000)])
	}
	got := attachmentsOf(t, raw)
	if len(got) != 2 {
		t.Fatalf("%d attachments arrived, want 2", len(got))
	}
	for i, want := range []received{
		{name: invoiceName, contentType: "application/pdf", content: invoice},
		{name: statementName, contentType: "application/pdf", content: statement},
	} {
		if got[i].name != want.name || got[i].contentType != want.contentType || !bytes.Equal(got[i].content, want.content) {
			t.Errorf("attachment %d arrived as %q (%s, %d bytes, intact %v), want %q (%s, %d bytes); header %s",
				i+1, got[i].name, got[i].contentType, len(got[i].content), bytes.Equal(got[i].content, want.content),
				want.name, want.contentType, len(want.content), got[i].disposition)
		}
	}

	msgs, err := mail.List(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Attempts != 3 || len(msgs[0].Attachments) != 2 ||
		msgs[0].Attachments[1].ContentType != "application/pdf" || !bytes.Equal(msgs[0].Attachments[0].Content, invoice) {
		t.Errorf("outbox holds %+v", msgs)
	}
}

func TestEnqueueWritesAttachmentsWithItsMessageOrNotAtAll(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	pdf := mail.Attachment{FileName: invoiceName, ContentType: "application/pdf", Content: []byte("%PDF-1.4")}
	rollback := errors.New("rolled back")
	err := postgres.InTx(ctx, pool, func(q postgres.Querier) error {
		if err := mail.Enqueue(ctx, q, time.Now(), mail.Message{To: []string{"a@example.jp"}, Subject: "s",
			Attachments: []mail.Attachment{pdf}}); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	err = mail.Enqueue(ctx, pool, time.Now(), mail.Message{To: []string{"a@example.jp"}, Subject: "s",
		Attachments: []mail.Attachment{pdf, {ContentType: "text/plain"}}})
	if err == nil {
		t.Error("an attachment without a file name was accepted")
	}
	if err := mail.Enqueue(ctx, pool, time.Now(), mail.Message{To: []string{"a@example.jp"}, Subject: "plain"}); err != nil {
		t.Fatal(err)
	}
	var attachments int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM mail_attachments`).Scan(&attachments); err != nil {
		t.Fatal(err)
	}
	msgs, err := mail.List(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Subject != "plain" || msgs[0].Attachments != nil || attachments != 0 {
		t.Errorf("outbox holds %+v and %d attachments, want only the plain message", msgs, attachments)
	}
}

func TestFileSenderWritesAttachments(t *testing.T) {
	dir := t.TempDir()
	pdf := fakePDF(t, 10<<10)
	s := mail.FileSender{Dir: dir}
	err := s.Send(context.Background(), "portal@operator.example", mail.Message{
		ID: 8, To: []string{"billing@acme.example"}, Subject: "請求書のご案内", BodyText: "10月分の請求書です。",
		Attachments: []mail.Attachment{{FileName: invoiceName, ContentType: "application/pdf", Content: pdf}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "outbox-000008.eml"))
	if err != nil {
		t.Fatal(err)
	}
	got := attachmentsOf(t, string(b))
	if len(got) != 1 || got[0].name != invoiceName || got[0].contentType != "application/pdf" || !bytes.Equal(got[0].content, pdf) {
		t.Errorf(".eml carries %d attachments, want %s intact", len(got), invoiceName)
	}
}
