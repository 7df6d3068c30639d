package mail_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// countingSender counts sends per message, taking delay over each (or
// until its context ends, which it reports as the error).
type countingSender struct {
	delay time.Duration
	mu    sync.Mutex
	sent  map[int64]int
	cause error // the context's cause when a send was cancelled
}

func (s *countingSender) Send(ctx context.Context, _ string, m mail.Message) error {
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		s.mu.Lock()
		s.cause = context.Cause(ctx)
		s.mu.Unlock()
		return context.Cause(ctx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sent == nil {
		s.sent = map[int64]int{}
	}
	s.sent[m.ID]++
	return nil
}

func (s *countingSender) count(id int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent[id]
}

func enqueueOne(t *testing.T, pool *pgxpool.Pool) int64 {
	t.Helper()
	ctx := context.Background()
	if err := mail.Enqueue(ctx, pool, time.Now(), mail.Message{To: []string{"a@example.jp"}, Subject: "s", BodyText: "b"}); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := pool.QueryRow(ctx, `SELECT max(id) FROM mail_outbox`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestExpiredLeaseIsTakenOver(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	id := enqueueOne(t, pool)
	sender := &countingSender{}
	const lease = time.Second

	// The first worker claims the message and dies before sending it.
	crashed := (&mail.Worker{DB: pool, Sender: sender, Clock: clock.System{}, Log: quiet, Lease: lease}).Queue()
	claimed := time.Now() // the lease ends after claimed+lease
	j, ok, err := crashed.Claim(ctx)
	if err != nil || !ok || j.ID != id || j.Attempt != 1 {
		t.Fatalf("claim: %+v, %v, %v", j, ok, err)
	}

	// Another worker leaves it alone while the lease holds, then takes it.
	other := &mail.Worker{DB: pool, Sender: sender, Clock: clock.System{}, Log: quiet}
	if n, err := other.DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("taken while leased: sent %d, err %v", n, err)
	}
	for sender.count(id) == 0 {
		if time.Since(claimed) > lease+5*time.Second {
			t.Fatal("the expired lease was not taken over")
		}
		time.Sleep(50 * time.Millisecond)
		n, err := other.DeliverDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 && time.Since(claimed) < lease {
			t.Fatalf("taken over after %v, before the lease of %v ended", time.Since(claimed), lease)
		}
	}

	// The first worker, back, can neither renew nor record anything.
	if ok, err := crashed.Renew(ctx, j); ok || err != nil {
		t.Errorf("renewed a lost lease: %v, %v", ok, err)
	}
	if err := crashed.Finish(ctx, j, errors.New("refused")); !errors.Is(err, mail.ErrLeaseLost) {
		t.Errorf("finish after losing the lease: %v", err)
	}
	msgs, _ := mail.List(ctx, pool)
	var sentAt *time.Time
	if err := pool.QueryRow(ctx, `SELECT sent_at FROM mail_outbox WHERE id = $1`, id).Scan(&sentAt); err != nil {
		t.Fatal(err)
	}
	if sender.count(id) != 1 || msgs[0].Attempts != 2 || sentAt == nil {
		t.Errorf("sent %d times, attempts %d, sent_at %v", sender.count(id), msgs[0].Attempts, sentAt)
	}
}

func TestLiveWorkerKeepsItsLeaseThroughASlowSend(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	id := enqueueOne(t, pool)
	// The send takes four leases: renewals must keep the message.
	sender := &countingSender{delay: 1200 * time.Millisecond}
	slow := &mail.Worker{DB: pool, Sender: sender, Clock: clock.System{}, Log: quiet, Lease: 300 * time.Millisecond}
	other := &mail.Worker{DB: pool, Sender: sender, Clock: clock.System{}, Log: quiet}

	done := make(chan int)
	go func() {
		n, err := slow.DeliverDue(ctx)
		if err != nil {
			t.Error(err)
		}
		done <- n
	}()
	for {
		select {
		case n := <-done:
			if n != 1 || sender.count(id) != 1 {
				t.Errorf("slow worker sent %d; message sent %d times", n, sender.count(id))
			}
			return
		case <-time.After(50 * time.Millisecond):
			if n, err := other.DeliverDue(ctx); err != nil || n != 0 {
				t.Fatalf("other worker took a live lease: sent %d, err %v", n, err)
			}
		}
	}
}

func TestLostLeaseCancelsTheSend(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	id := enqueueOne(t, pool)
	sender := &countingSender{delay: time.Minute}
	w := &mail.Worker{DB: pool, Sender: sender, Clock: clock.System{}, Log: quiet, Lease: 300 * time.Millisecond}
	done := make(chan error)
	go func() {
		_, err := w.DeliverDue(ctx)
		done <- err
	}()
	// Once the worker sends, someone else claims the message under its
	// feet (as after a long pause of its process): its next renewal finds out.
	for {
		var claimed bool
		if err := pool.QueryRow(ctx, `SELECT claimed_by IS NOT NULL FROM mail_outbox WHERE id = $1`, id).Scan(&claimed); err != nil {
			t.Fatal(err)
		}
		if claimed {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := pool.Exec(ctx, `UPDATE mail_outbox SET claimed_by = 'someone else', lease_until = now() + interval '1 minute' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the send went on after its lease was lost")
	}
	var lastError, claimedBy string
	if err := pool.QueryRow(ctx, `SELECT last_error, claimed_by FROM mail_outbox WHERE id = $1`, id).Scan(&lastError, &claimedBy); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(sender.cause, mail.ErrLeaseLost) || sender.count(id) != 0 || lastError != "" || claimedBy != "someone else" {
		t.Errorf("send cancelled with %v; sent %d; row: last_error %q, claimed_by %q", sender.cause, sender.count(id), lastError, claimedBy)
	}
}

// Two workers, each with its own pool as two instances would have, run
// their loops against one database and one SMTP server that counts.
func TestTwoRunningWorkersSendEachMessageOnce(t *testing.T) {
	url := postgrestest.NewDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sk, sender := startSink(t, 0)
	sk.delay = 5 * time.Millisecond
	var pools []*pgxpool.Pool
	for range 2 {
		pool, err := postgres.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		pools = append(pools, pool)
	}
	const messages = 40
	for i := range messages {
		if err := mail.Enqueue(ctx, pools[0], time.Now(), mail.Message{To: []string{"a@example.jp"}, Subject: fmt.Sprint("m", i), BodyText: "b"}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for _, pool := range pools {
		w := &mail.Worker{DB: pool, Sender: sender, From: "portal@operator.example", Clock: clock.System{},
			Log: quiet, Interval: 10 * time.Millisecond, Lease: 2 * time.Second}
		wg.Go(func() { w.Run(ctx) })
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(sk.perMessage(t)) < messages && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let a double send, if any, arrive
	cancel()
	wg.Wait()

	per := sk.perMessage(t)
	for id, n := range per {
		if n != 1 {
			t.Errorf("%s sent %d times", id, n)
		}
	}
	var unsent int
	if err := pools[0].QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL`).Scan(&unsent); err != nil {
		t.Fatal(err)
	}
	if len(per) != messages || unsent != 0 {
		t.Errorf("%d of %d messages arrived; %d unsent", len(per), messages, unsent)
	}
}

// The down migration undoes the up one: mail_outbox as it was before,
// no mail_attachments.
func TestOutboxLeaseMigrationDownUndoesUp(t *testing.T) {
	url := postgrestest.NewDB(t)
	ctx := context.Background()
	pool, err := postgres.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	shape := func() (attachments bool, columns int, comment string) {
		t.Helper()
		err := pool.QueryRow(ctx, `
			SELECT to_regclass('mail_attachments') IS NOT NULL,
			       (SELECT count(*) FROM information_schema.columns WHERE table_name = 'mail_outbox'),
			       obj_description('mail_outbox'::regclass, 'pg_class')`).Scan(&attachments, &columns, &comment)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	m, err := postgres.NewMigrator(url)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for {
		v, _, err := m.Version()
		if err != nil {
			t.Fatal(err)
		}
		if v <= 6 {
			break
		}
		if err := m.Steps(-1); err != nil {
			t.Fatal(err)
		}
	}
	if att, cols, comment := shape(); att || cols != 9 || comment != "Email written inside the transaction that caused it; a worker claims rows with FOR UPDATE SKIP LOCKED and sends each once, retrying with backoff." {
		t.Errorf("after down: mail_attachments %v, %d columns, comment %q", att, cols, comment)
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	if att, cols, _ := shape(); !att || cols != 11 {
		t.Errorf("after up again: mail_attachments %v, %d columns", att, cols)
	}
}
