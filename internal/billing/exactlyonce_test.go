package billing_test

import (
	"bytes"
	"context"
	"fmt"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
	"github.com/ccp-partner/portal/internal/voucher"
)

// Globex (partner 2) has no billing contact in the demo data, so it cannot
// order; operator adjustments give it activity.
const globexID = int64(2)

// The exactly-once tests of the close (M-1, M-2): several closers, a closer
// killed mid-close, months missed while the service was down, purchases
// racing the close at midnight, and the scheduler driven by the test clock.
// Each ends with checkBilledOnce: every billed entry belongs to exactly one
// close (its partner's, of its Japan month, made after it), every close's
// net is its month's entries, and every document series is gap-free.

// TestThreeClosersBillEachPartnerOnce runs CloseDue in three processes'
// worth of pools at once: one runs the close, the others find the lock
// taken or nothing due; each partner with activity gets one invoice.
func TestThreeClosersBillEachPartnerOnce(t *testing.T) {
	ctx := context.Background()
	url := postgrestest.NewDB(t)
	e1 := envOn(t, connect(t, url), true)
	envs := []*env{e1, envOn(t, connect(t, url), false), envOn(t, connect(t, url), false)}

	e1.at(t, 2026, 11, 28, 10, 0, 0)
	e1.buy(t, 2) // Acme: ¥1,990
	if err := e1.ledger.Adjust(ctx, globexID, -3000, "token shipping", opFinance); err != nil {
		t.Fatal(err)
	}
	e1.at(t, 2026, 12, 1, 0, 0, 5) // the others' clocks read the offset on first use

	for round := range 3 { // the first closes November; the next ones find nothing due
		type outcome struct {
			reports []billing.Report
			ran     bool
			err     error
		}
		out := make([]outcome, len(envs))
		var wg sync.WaitGroup
		begin := make(chan struct{})
		for i, e := range envs {
			wg.Go(func() {
				<-begin
				out[i].reports, out[i].ran, out[i].err = e.billing.CloseDue(ctx)
			})
		}
		close(begin)
		wg.Wait()
		closed := 0
		for i, o := range out {
			if o.err != nil {
				t.Fatalf("round %d closer %d: %v", round, i, o.err)
			}
			for _, r := range o.reports {
				closed += r.Closed
				if r.Failed > 0 {
					t.Errorf("round %d closer %d: failures: %+v", round, i, r.Results)
				}
			}
		}
		if want := map[bool]int{true: 2, false: 0}[round == 0]; closed != want {
			t.Errorf("round %d: %d partners closed, want %d", round, closed, want)
		}
	}
	want := []string{"1 2026-11 INV0000001", "2 2026-11 INV0000002"}
	if got := invoiceList(t, e1.pool); !slices.Equal(got, want) {
		t.Errorf("invoices %q, want %q", got, want)
	}
	checkBilledOnce(t, e1.pool)
}

// TestClosersWithoutTheRunLockStillBillOnce: even when the advisory lock
// is bypassed (three CloseMonth at once, as operator re-runs racing the
// scheduler would), the partner lock and the unique (partner, month) row
// keep each partner's close single and the numbers gap-free.
func TestClosersWithoutTheRunLockStillBillOnce(t *testing.T) {
	ctx := context.Background()
	url := postgrestest.NewDB(t)
	e1 := envOn(t, connect(t, url), true)
	envs := []*env{e1, envOn(t, connect(t, url), false), envOn(t, connect(t, url), false)}
	e1.at(t, 2026, 11, 28, 10, 0, 0)
	ids := addPartners(t, e1, 8)
	chargeAll(t, e1, append(ids, acmeID, globexID), e1.clock.Now())
	e1.at(t, 2026, 12, 1, 0, 0, 5)

	var wg sync.WaitGroup
	reports := make([]billing.Report, len(envs))
	errs := make([]error, len(envs))
	begin := make(chan struct{})
	for i, e := range envs {
		wg.Go(func() {
			<-begin
			reports[i], errs[i] = e.billing.CloseMonth(ctx, november)
		})
	}
	close(begin)
	wg.Wait()
	closed, already := 0, 0
	for i, r := range reports {
		if errs[i] != nil || r.Failed > 0 {
			t.Fatalf("closer %d: %v %+v", i, errs[i], r.Results)
		}
		closed += r.Closed
		already += r.AlreadyClosed
	}
	if n := len(ids) + 2; closed != n || already != 2*n {
		t.Errorf("closed %d, already closed %d; want %d and %d", closed, already, n, 2*n)
	}
	checkBilledOnce(t, e1.pool)
}

// TestACloserKilledMidCloseIsFinishedByTheNext kills a closing process
// (SIGKILL) after some partners committed and before all, then closes in
// this process: every partner is closed once, the numbers are 1..N with no
// gap, and the running totals equal a recomputation. The closer is the
// portal binary (`portal close`) when it builds, else this test binary
// re-executed as a closer (same close code, also a separate process).
func TestACloserKilledMidCloseIsFinishedByTheNext(t *testing.T) {
	ctx := context.Background()
	url := postgrestest.NewDB(t)
	e := envOn(t, connect(t, url), true)
	e.at(t, 2026, 11, 20, 10, 0, 0)
	ids := addPartners(t, e, 12)
	ids = append([]int64{acmeID, globexID}, ids...)
	chargeAll(t, e, ids, e.clock.Now())
	e.at(t, 2026, 12, 1, 0, 0, 5)

	cmd, how := closerCommand(t, withParam(t, url, "application_name", closerApp))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	startedAt := time.Now()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var before int
	deadline := time.Now().Add(30 * time.Second)
	for before == 0 {
		select {
		case err := <-exited:
			t.Fatalf("the closer (%s) ended before any partner was closed: %v\n%s%s", how, err, stdout.String(), stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no partner closed in 30 s")
		}
		if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM monthly_closes`).Scan(&before); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err == nil {
		t.Fatalf("the closer (%s) finished before it was killed", how)
	}
	// A COMMIT already sent may still land: count once its sessions are gone.
	for {
		var left int
		if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`,
			closerApp).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed closer's sessions never ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
	var killedAt, invoicesThen int
	if err := e.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM monthly_closes), (SELECT count(*) FROM invoices)`).
		Scan(&killedAt, &invoicesThen); err != nil {
		t.Fatal(err)
	}
	t.Logf("closer (%s) killed %s after its start with %d of %d partners committed", how,
		time.Since(startedAt).Round(time.Millisecond), killedAt, len(ids))
	if killedAt >= len(ids) {
		t.Fatalf("the closer finished all %d partners before it was killed: the window was missed", len(ids))
	}
	if invoicesThen != killedAt {
		t.Fatalf("%d closes but %d invoices after the kill: a partner's close is not one transaction", killedAt, invoicesThen)
	}

	// The dead session's advisory lock goes when PostgreSQL notices it is gone.
	var reports []billing.Report
	restart := time.Now()
	for ran := false; !ran; {
		var err error
		if reports, ran, err = e.billing.CloseDue(ctx); err != nil {
			t.Fatal(err)
		}
		if !ran {
			if time.Now().After(deadline) {
				t.Fatal("the killed closer's lock was never released")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("the restart closed the rest in %s", time.Since(restart).Round(time.Millisecond))
	if len(reports) != 1 || reports[0].Month != november || reports[0].AlreadyClosed != killedAt ||
		reports[0].Closed != len(ids)-killedAt || reports[0].Failed != 0 {
		t.Errorf("the restart: %+v", reports)
	}
	if got := invoiceCount(t, e.pool); got != len(ids) {
		t.Errorf("%d invoices for %d partners", got, len(ids))
	}
	var perPartner string
	if err := e.pool.QueryRow(ctx, `
		SELECT coalesce(string_agg(partner_id || ':' || closes || '/' || issued, ' '), '') FROM (
			SELECT partner_id, count(*) FILTER (WHERE kind = 'month_closed') AS closes,
			       count(*) FILTER (WHERE kind = 'invoice_issued') AS issued
			FROM ledger_entries GROUP BY partner_id) x
		WHERE closes <> 1 OR issued <> 1`).Scan(&perPartner); err != nil {
		t.Fatal(err)
	}
	if perPartner != "" {
		t.Errorf("partners closed other than once (partner:closes/invoices): %s", perPartner)
	}
	for _, id := range ids {
		got, err := ledger.Compute(ctx, e.pool, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ledger.Recompute(ctx, e.pool, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got != want || got.CurrentBalance != 0 {
			t.Errorf("partner %d: running totals %+v, recomputed %+v", id, got, want)
		}
	}
	checkBilledOnce(t, e.pool)
}

// closerCommand is a separate process that runs the close on the database
// at url: the portal binary, or this test binary as TestCloserProcess when
// the portal does not build (other work in progress in the tree).
func closerCommand(t *testing.T, url string) (*exec.Cmd, string) {
	t.Helper()
	environ := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "PORTAL_ENV=") ||
			strings.HasPrefix(kv, closerEnv+"=")
	})
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	// BILLING_TEST_CLOSER=test uses this test binary without trying the portal.
	if err == nil && strings.TrimSpace(string(gomod)) != "" && os.Getenv("BILLING_TEST_CLOSER") != "test" {
		bin := filepath.Join(t.TempDir(), "portal")
		build := exec.Command("go", "build", "-o", bin, "./cmd/portal")
		build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
		started := time.Now()
		out, err := build.CombinedOutput()
		t.Logf("go build ./cmd/portal: %s", time.Since(started).Round(time.Millisecond))
		if err == nil {
			cmd := exec.Command(bin, "close")
			cmd.Env = append(environ, "DATABASE_URL="+url, "PORTAL_MAIL_DIR="+t.TempDir(), "PORTAL_CA_FILE="+filepath.Join(t.TempDir(), "ca.pem"))
			return cmd, "portal close"
		}
		t.Logf("the portal does not build, using this test binary as the closer:\n%s", out)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCloserProcess$", "-test.count=1")
	cmd.Env = append(environ, closerEnv+"="+url)
	return cmd, "test binary"
}

const (
	closerEnv = "BILLING_TEST_CLOSER_DB"
	closerApp = "killed-closer" // the closer's sessions, as pg_stat_activity names them
)

// TestCloserProcess is the closer process of
// TestACloserKilledMidCloseIsFinishedByTheNext when the portal binary does
// not build; it does nothing in a normal run.
func TestCloserProcess(t *testing.T) {
	url := os.Getenv(closerEnv)
	if url == "" {
		t.Skip("only run as a subprocess")
	}
	e := envOn(t, connect(t, url), false)
	e.closeDue(t)
}

// TestMonthsMissedWhileDownAreClosedInOrder: the service is down from
// November to New Year; on start-up CloseDue closes November, then
// December, and a second call does nothing.
func TestMonthsMissedWhileDownAreClosedInOrder(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.at(t, 2026, 11, 28, 10, 0, 0)
	e.buy(t, 2) // ¥1,990
	e.at(t, 2026, 12, 15, 10, 0, 0)
	e.buy(t, 3) // ¥2,985
	e.at(t, 2027, 1, 1, 0, 0, 5)

	reports := e.closeDue(t)
	if len(reports) != 2 || reports[0].Month != november || reports[1].Month != december ||
		reports[0].Closed != 1 || reports[1].Closed != 1 {
		t.Fatalf("reports: %+v", reports)
	}
	if nov := e.invoice(t, november); nov.Number != "INV0000001" || nov.StatementNumber != "ST0000001" || nov.Net != 1990 {
		t.Errorf("November: %+v", nov)
	}
	if dec := e.invoice(t, december); dec.Number != "INV0000002" || dec.StatementNumber != "ST0000002" || dec.Net != 2985 {
		t.Errorf("December: %+v", dec)
	}
	var order string
	if err := e.pool.QueryRow(ctx, `SELECT string_agg(to_char(month, 'YYYY-MM'), ' ' ORDER BY closed_at)
		FROM monthly_closes WHERE partner_id = $1`, acmeID).Scan(&order); err != nil {
		t.Fatal(err)
	}
	if order != "2026-11 2026-12" {
		t.Errorf("months closed in the order %s", order)
	}
	before := counts(t, e.pool)
	if again := e.closeDue(t); len(again) != 0 {
		t.Errorf("the second call closed %+v", again)
	}
	if after := counts(t, e.pool); after != before {
		t.Errorf("the second call wrote: %s → %s", before, after)
	}
	checkBilledOnce(t, e.pool)
}

// TestAMonthClosedByHandLeavesNoEarlierMonthOpen: the service was down
// over two month ends and operator Finance (or `portal close -month`)
// closes December by hand before the scheduler runs; the scheduler must
// still close November (M-2: months missed while down are closed).
func TestAMonthClosedByHandLeavesNoEarlierMonthOpen(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.at(t, 2026, 11, 28, 10, 0, 0)
	e.buy(t, 2) // ¥1,990 in November
	e.at(t, 2026, 12, 15, 10, 0, 0)
	e.buy(t, 3) // ¥2,985 in December
	e.at(t, 2027, 1, 1, 9, 0, 0)
	if r, ran, err := e.billing.CloseOne(ctx, december); err != nil || !ran || r.Closed != 1 {
		t.Fatalf("December by hand: %+v %v %v", r, ran, err)
	}
	due, err := e.billing.DueMonths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.closeDue(t)
	if missed := unbilled(t, e.pool); len(missed) > 0 || len(due) == 0 {
		t.Fatalf("a month without a run before one closed by hand is not due: DueMonths %v; unbilled: %s",
			due, strings.Join(missed, "; "))
	}
	checkBilledOnce(t, e.pool)
}

// TestPurchasesRacingTheCloseAtMidnight places orders from several
// goroutines across 00:00 on the 1st while another keeps calling CloseDue:
// every charge is billed once, in the month of its timestamp, by a close
// made after it.
func TestPurchasesRacingTheCloseAtMidnight(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.at(t, 2026, 11, 30, 23, 59, 58)
	e.buy(t, 1) // November has an order however slow the machine (and the caches are warm)
	if err := e.clock.Set(ctx, time.Date(2026, 11, 30, 23, 59, 59, 500_000_000, clock.Tokyo), nil); err != nil {
		t.Fatal(err)
	}
	stop := time.Now().Add(1500 * time.Millisecond)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 3 {
		wg.Go(func() {
			for time.Now().Before(stop) {
				if err := e.tryBuy(ctx, 1); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	closes := 0
	wg.Go(func() {
		for time.Now().Before(stop) {
			reports, _, err := e.billing.CloseDue(ctx)
			if err != nil {
				errs <- err
				return
			}
			closes += len(reports)
			time.Sleep(5 * time.Millisecond)
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if closes != 1 {
		t.Errorf("November was closed %d times during the race", closes)
	}
	e.at(t, 2027, 1, 1, 0, 0, 5)
	e.closeDue(t)

	var novN, decN, novSum, decSum int64
	var novClosedAt, lastDec time.Time
	if err := e.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE at < $2), count(*) FILTER (WHERE at >= $2),
		       coalesce(-sum(amount) FILTER (WHERE at < $2), 0), coalesce(-sum(amount) FILTER (WHERE at >= $2), 0),
		       (SELECT closed_at FROM monthly_closes WHERE partner_id = $1 AND month = $3), coalesce(max(at), $2)
		FROM ledger_entries WHERE partner_id = $1 AND kind = 'voucher_charge'`,
		acmeID, december.Start(), november.Date()).Scan(&novN, &decN, &novSum, &decSum, &novClosedAt, &lastDec); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d orders in November (1 before the race), %d in December; November closed at %s, last order at %s",
		novN, decN, novClosedAt.In(clock.Tokyo).Format("15:04:05.000"), lastDec.In(clock.Tokyo).Format("15:04:05.000"))
	if decN == 0 || !novClosedAt.Before(lastDec) {
		t.Fatal("the orders did not straddle midnight and the close")
	}
	if nov := e.invoice(t, november); int64(nov.Net) != novSum {
		t.Errorf("November's invoice nets %s, its charges sum to %d", nov.Net, novSum)
	}
	if dec := e.invoice(t, december); int64(dec.Net) != decSum {
		t.Errorf("December's invoice nets %s, its charges sum to %d", dec.Net, decSum)
	}
	checkBilledOnce(t, e.pool)
}

// TestAnEntryInFlightAtMidnightIsBilled: an adjustment stamped at
// 23:59:59 whose transaction is still open when the close starts, for a
// partner with no other entry that month, is billed in that month: the
// close waits for it (activePartners first takes every partner's lock in
// share mode). The adjustment's transaction is held open at its
// ledger_totals upsert (after the entry is stamped, under the partner
// lock) by a row lock that the test holds.
func TestAnEntryInFlightAtMidnightIsBilled(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.at(t, 2026, 10, 20, 10, 0, 0)
	if err := e.ledger.Adjust(ctx, globexID, -500, "October", opFinance); err != nil { // Globex's totals row
		t.Fatal(err)
	}
	e.at(t, 2026, 11, 1, 0, 0, 5)
	e.closeDue(t)
	e.at(t, 2026, 11, 28, 10, 0, 0)
	e.buy(t, 1) // Acme: November has a close to run
	if err := e.clock.Set(ctx, time.Date(2026, 11, 30, 23, 59, 59, 600_000_000, clock.Tokyo), nil); err != nil {
		t.Fatal(err)
	}

	blocker, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback(ctx) //nolint:errcheck
	if _, err := blocker.Exec(ctx, `SELECT 1 FROM ledger_totals WHERE partner_id = $1 FOR UPDATE`, globexID); err != nil {
		t.Fatal(err)
	}
	adjusted := make(chan error, 1)
	go func() { adjusted <- e.ledger.Adjust(ctx, globexID, -1000, "late-night fee", opFinance) }()
	waitForLockWait(t, e.pool, "INSERT INTO ledger_entries")
	if now := e.clock.Now(); !now.Before(december.Start()) {
		t.Fatalf("the adjustment was not stamped before midnight (now %s)", now)
	}
	for e.clock.Now().Before(december.Start().Add(50 * time.Millisecond)) {
		time.Sleep(10 * time.Millisecond)
	}
	closed := make(chan error, 1)
	go func() {
		_, _, err := e.billing.CloseDue(ctx)
		closed <- err
	}()
	waited := true
	select {
	case err := <-closed: // the close did not wait for Globex
		if err != nil {
			t.Fatal(err)
		}
		waited = false
	case <-time.After(500 * time.Millisecond): // the close waits for Globex's lock, as it should
	}
	if err := blocker.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-adjusted; err != nil {
		t.Fatal(err)
	}
	if waited {
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
	}
	e.at(t, 2027, 1, 1, 0, 0, 5)
	e.closeDue(t)
	var at time.Time
	if err := e.pool.QueryRow(ctx, `SELECT at FROM ledger_entries WHERE partner_id = $1 AND reason = 'late-night fee'`,
		globexID).Scan(&at); err != nil {
		t.Fatal(err)
	}
	t.Logf("the adjustment is stamped %s", at.In(clock.Tokyo).Format(time.RFC3339Nano))
	if !at.Before(december.Start()) {
		t.Fatal("the adjustment was stamped after midnight: inconclusive")
	}
	if !waited {
		t.Error("the close did not wait for the transaction that stamped an entry of the month")
	}
	checkBilledOnce(t, e.pool)
}

// waitForLockWait waits until a session waits on a lock in a statement
// that contains sql.
func waitForLockWait(t *testing.T, pool *pgxpool.Pool, sql string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var waiting bool
		if err := pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%' || $1 || '%')`,
			sql).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
	}
	t.Fatalf("no statement %q waits on a lock", sql)
}

// TestTheSchedulerClosesWhenTheClockPassesTheFirst: Run polls the clock,
// so moving the test clock past 00:00 on the 1st issues the invoice.
func TestTheSchedulerClosesWhenTheClockPassesTheFirst(t *testing.T) {
	e := newEnv(t)
	e.at(t, 2026, 11, 28, 10, 0, 0)
	e.buy(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		e.billing.Run(ctx, 50*time.Millisecond)
	}()
	defer func() {
		cancel()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			t.Error("Run did not stop when its context was cancelled")
		}
	}()
	time.Sleep(200 * time.Millisecond)
	if n := invoiceCount(t, e.pool); n != 0 {
		t.Fatalf("%d invoices before the month is over", n)
	}
	e.at(t, 2026, 12, 1, 0, 0, 1)
	for deadline := time.Now().Add(10 * time.Second); invoiceCount(t, e.pool) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no invoice 10 s after the clock passed the 1st")
		}
	}
	if inv := e.invoice(t, november); inv.Number != "INV0000001" || inv.Net != 995 {
		t.Errorf("invoice: %+v", inv)
	}
}

// withParam adds a query parameter to a database URL.
func withParam(t testing.TB, raw, key, value string) string {
	t.Helper()
	u, err := neturl.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// connect opens a pool of its own on url, closed when the test ends.
func connect(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := postgres.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// tryBuy is buy for goroutines: one code, the error returned.
func (e *env) tryBuy(ctx context.Context, quantity int) error {
	in := voucher.Input{GroupID: acmeGroup, IdempotencyKey: fmt.Sprint("k", keys.Add(1)),
		Lines: []voucher.LineInput{{ProductID: 1, Years: 1, Quantity: quantity, FQDNs: 1}}}
	_, _, err := e.vouchers.Create(ctx, acmeID, in, acme)
	return err
}

// addPartners creates n partners like Acme: a management group (the
// addressee) and a copy of Acme's contract version with its price table.
// They have no users and no billing contact.
func addPartners(t testing.TB, e *env, n int) []int64 {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `
		WITH p AS (
			INSERT INTO partners (name, country, created_at)
			SELECT 'Reseller ' || lpad(g::text, 5, '0') || ' K.K.', 'JP', $2 FROM generate_series(1, $1) g
			RETURNING id, name),
		g AS (INSERT INTO management_groups (partner_id, name, created_at) SELECT id, name, $2 FROM p),
		src AS (SELECT * FROM contract_versions WHERE partner_id = $3 ORDER BY effective_from DESC, id DESC LIMIT 1),
		v AS (
			INSERT INTO contract_versions (partner_id, effective_from, start_date, end_date, payment_terms,
			                               credit_limit, tax_rate, created_at, created_by, note)
			SELECT p.id, src.effective_from, src.start_date, src.end_date, src.payment_terms,
			       src.credit_limit, src.tax_rate, $2, src.created_by, src.note
			FROM p, src RETURNING id),
		pe AS (
			INSERT INTO price_entries (version_id, product_id, years, list_price, discount_bp, base_price,
			                           additional_fqdn, wildcard)
			SELECT v.id, x.product_id, x.years, x.list_price, x.discount_bp, x.base_price, x.additional_fqdn, x.wildcard
			FROM v, src JOIN price_entries x ON x.version_id = src.id)
		SELECT id FROM p ORDER BY id`, n, e.clock.Now(), acmeID)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// chargeAll charges each partner 1,000 + its id yen at at (an operator
// adjustment written straight into the ledger; the trigger keeps totals).
func chargeAll(t testing.TB, e *env, ids []int64, at time.Time) {
	t.Helper()
	if _, err := e.pool.Exec(context.Background(), `
		INSERT INTO ledger_entries (partner_id, at, kind, amount, reason)
		SELECT id, $2, 'adjustment', -(1000 + id), 'test charge' FROM unnest($1::bigint[]) id`, ids, at); err != nil {
		t.Fatal(err)
	}
}

// invoiceList is "partner month number" of every invoice, by number.
func invoiceList(t testing.TB, q postgres.Querier) []string {
	t.Helper()
	rows, err := q.Query(context.Background(), `
		SELECT partner_id || ' ' || to_char(month, 'YYYY-MM') || ' ' || number FROM invoices ORDER BY number`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func invoiceCount(t testing.TB, q postgres.Querier) int {
	t.Helper()
	var n int
	if err := q.QueryRow(context.Background(), `SELECT count(*) FROM invoices`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// unbilled lists the billed-kind entries of closed-or-past months that no
// close of their partner and Japan month covers (or that a close made
// before them should have covered).
func unbilled(t testing.TB, q postgres.Querier) []string {
	t.Helper()
	rows, err := q.Query(context.Background(), `
		SELECT 'entry ' || l.id || ' of partner ' || l.partner_id || ' at ' || (l.at AT TIME ZONE 'Asia/Tokyo')
		       || coalesce(' closed at ' || (c.closed_at AT TIME ZONE 'Asia/Tokyo'), ' never closed')
		FROM ledger_entries l
		LEFT JOIN monthly_closes c ON c.partner_id = l.partner_id
		     AND c.month = date_trunc('month', l.at AT TIME ZONE 'Asia/Tokyo')::date
		WHERE ledger_is_balance_kind(l.kind) AND l.kind <> 'month_closed'
		  AND date_trunc('month', l.at AT TIME ZONE 'Asia/Tokyo') <
		      (SELECT coalesce(max(month), '0001-01-01') FROM close_runs WHERE finished_at IS NOT NULL) + interval '1 month'
		  AND (c.closed_at IS NULL OR c.closed_at <= l.at)
		ORDER BY l.id`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkBilledOnce checks the close's invariants over the whole database:
// every billed entry of a month whose run finished is covered by its
// partner's close of that Japan month, made after the entry; each close's
// net is the sum of its month's entries and is billed by exactly one
// document (an invoice when ≥ 0, else a credit note) of the same net; the
// month_closed entries sum the nets; and the invoice, credit-note and
// statement numbers are 1..n without gaps or repeats.
func checkBilledOnce(t testing.TB, q postgres.Querier) {
	t.Helper()
	ctx := context.Background()
	if missed := unbilled(t, q); len(missed) > 0 {
		t.Errorf("entries not billed by a later close of their month:\n%s", strings.Join(missed, "\n"))
	}
	var bad string
	if err := q.QueryRow(ctx, `
		SELECT coalesce(string_agg(c.partner_id || ' ' || c.month || ' net ' || c.net || ' entries ' || s.sum
		                           || ' invoice ' || coalesce(i.net::text, '-') || ' credit note ' || coalesce(n.net::text, '-'), '; '), '')
		FROM monthly_closes c
		CROSS JOIN LATERAL (
			SELECT coalesce(-sum(l.amount), 0) AS sum FROM ledger_entries l
			WHERE l.partner_id = c.partner_id AND ledger_is_balance_kind(l.kind) AND l.kind <> 'month_closed'
			  AND l.at >= c.month::timestamp AT TIME ZONE 'Asia/Tokyo'
			  AND l.at < (c.month + interval '1 month')::timestamp AT TIME ZONE 'Asia/Tokyo') s
		LEFT JOIN invoices i ON i.partner_id = c.partner_id AND i.month = c.month
		LEFT JOIN credit_notes n ON n.partner_id = c.partner_id AND n.month = c.month
		WHERE c.net <> s.sum OR NOT ((c.net >= 0 AND i.net = c.net AND n.id IS NULL) OR (c.net < 0 AND n.net = -c.net AND i.id IS NULL))`,
	).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != "" {
		t.Errorf("closes that do not match their month or document: %s", bad)
	}
	if err := q.QueryRow(ctx, `
		SELECT coalesce(string_agg(partner_id || ': closes ' || nets || ', month_closed entries ' || moved, '; '), '') FROM (
			SELECT p.id AS partner_id,
			       (SELECT coalesce(sum(net), 0) FROM monthly_closes c WHERE c.partner_id = p.id) AS nets,
			       (SELECT coalesce(sum(amount), 0) FROM ledger_entries l WHERE l.partner_id = p.id AND l.kind = 'month_closed') AS moved
			FROM partners p) x
		WHERE nets <> moved`).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != "" {
		t.Errorf("month_closed entries differ from the closes: %s", bad)
	}
	rows, err := q.Query(ctx, `
		WITH n AS (
			SELECT 'invoice' AS series, substr(number, 4)::bigint AS n FROM invoices
			UNION ALL SELECT 'credit_note', substr(number, 3)::bigint FROM credit_notes
			UNION ALL SELECT 'statement', substr(statement_number, 3)::bigint FROM invoices
			UNION ALL SELECT 'statement', substr(statement_number, 3)::bigint FROM credit_notes)
		SELECT d.series, d.last, count(n.n), count(DISTINCT n.n), coalesce(min(n.n), 0), coalesce(max(n.n), 0)
		FROM document_numbers d LEFT JOIN n ON n.series = d.series GROUP BY d.series, d.last ORDER BY d.series`)
	if err != nil {
		t.Fatal(err)
	}
	type series struct {
		name                                string
		last, count, distinct, first, final int64
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (series, error) {
		var s series
		return s, r.Scan(&s.name, &s.last, &s.count, &s.distinct, &s.first, &s.final)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.count != s.distinct || s.final != s.count || s.last != s.count || (s.count > 0 && s.first != 1) {
			t.Errorf("%s numbers: %d issued (%d distinct) from %d to %d, counter at %d", s.name, s.count, s.distinct,
				s.first, s.final, s.last)
		}
	}
	var docs, expected int
	if err := q.QueryRow(ctx, `SELECT (SELECT count(*) FROM documents),
		2 * ((SELECT count(*) FROM invoices) + (SELECT count(*) FROM credit_notes))`).Scan(&docs, &expected); err != nil {
		t.Fatal(err)
	}
	if docs != expected {
		t.Errorf("%d documents stored for %d", docs, expected)
	}
}
