package mail_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

// sink is an in-process SMTP server that refuses the first `refuse`
// messages with a temporary error and keeps the rest, taking `delay` over
// each.
type sink struct {
	mu       sync.Mutex
	refuse   int
	delay    time.Duration
	attempts int
	got      []string
}

// perMessage counts the kept messages by Message-ID.
func (s *sink) perMessage(t *testing.T) map[string]int {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := map[string]int{}
	for _, raw := range s.got {
		m, err := netmail.ReadMessage(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		n[m.Header.Get("Message-Id")]++
	}
	return n
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }

type session struct{ s *sink }

func (*session) Reset()                               {}
func (*session) Logout() error                        { return nil }
func (*session) Mail(string, *smtp.MailOptions) error { return nil }
func (*session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	time.Sleep(ss.s.delay)
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.attempts++
	if ss.s.attempts <= ss.s.refuse {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	ss.s.got = append(ss.s.got, string(b))
	return nil
}

func startSink(t *testing.T, refuse int) (*sink, mail.SMTPSender) {
	s := &sink{refuse: refuse}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { srv.Close() })
	port := ln.Addr().(*net.TCPAddr).Port
	return s, mail.SMTPSender{Host: "127.0.0.1", Port: port, TLS: "none"}
}

func TestOutboxDeliversOnceAndRetriesARefusal(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	sk, sender := startSink(t, 1)
	tc := clock.NewTest(pool)
	w := &mail.Worker{DB: pool, Sender: sender, From: "portal@operator.example", Clock: tc,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Interval: time.Hour}

	err := postgres.InTx(ctx, pool, func(q postgres.Querier) error {
		return mail.Enqueue(ctx, q, tc.Now(), mail.Message{To: []string{"billing@acme.example"},
			Subject: "バウチャーを納品しました", BodyText: "本文です。"})
	})
	if err != nil {
		t.Fatal(err)
	}

	// First attempt: the server refuses; nothing counts as sent.
	if n, err := w.DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("first run: sent %d, err %v", n, err)
	}
	// Not due again until the backoff has passed.
	if n, _ := w.DeliverDue(ctx); n != 0 || sk.attempts != 1 {
		t.Fatalf("retried before backoff: sent %d, attempts %d", n, sk.attempts)
	}
	if err := tc.Advance(ctx, mail.Backoff(1)+time.Second, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := w.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("retry: sent %d, err %v", n, err)
	}
	// Sent messages are never sent again.
	if err := tc.Advance(ctx, 24*time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.DeliverDue(ctx); n != 0 {
		t.Fatalf("sent again: %d", n)
	}
	if len(sk.got) != 1 || sk.attempts != 2 {
		t.Fatalf("server received %d messages in %d attempts", len(sk.got), sk.attempts)
	}
	if !strings.Contains(sk.got[0], "Subject: =?UTF-8?") {
		t.Errorf("Japanese subject not encoded:\n%s", sk.got[0])
	}
	msgs, _ := mail.List(ctx, pool)
	if msgs[0].Attempts != 2 {
		t.Errorf("attempts recorded %d, want 2", msgs[0].Attempts)
	}
}

func TestConcurrentWorkersSendEachMessageOnce(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	sk, sender := startSink(t, 0)
	for i := range 20 {
		if err := mail.Enqueue(ctx, pool, time.Now(), mail.Message{To: []string{"a@example.jp"}, Subject: "m", BodyText: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for range 4 {
		w := &mail.Worker{DB: pool, Sender: sender, From: "portal@operator.example", Clock: clock.System{},
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Interval: time.Hour}
		wg.Go(func() {
			if _, err := w.DeliverDue(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := sk.perMessage(t); len(sk.got) != 20 || len(n) != 20 {
		t.Errorf("server received %d messages, %d different, want 20 (each once)", len(sk.got), len(n))
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	prev := time.Duration(0)
	for n := 1; n <= 12; n++ {
		d := mail.Backoff(n)
		if d < prev || d > 2*time.Hour {
			t.Errorf("Backoff(%d) = %v after %v", n, d, prev)
		}
		prev = d
	}
	if mail.Backoff(1) != 30*time.Second {
		t.Errorf("first backoff %v", mail.Backoff(1))
	}
}
