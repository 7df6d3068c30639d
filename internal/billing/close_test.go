package billing_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
	"github.com/ccp-partner/portal/internal/voucher"
)

// env is the billing service, with the voucher service and ledger that
// make its months, over a fresh database with the demo data.
type env struct {
	pool     *pgxpool.Pool
	clock    *clock.Test
	billing  *billing.Service
	vouchers *voucher.Service
	ledger   *ledger.Store
}

// Acme (partner 1): its administrator and group; op-finance acts for the operator.
var (
	acme      = demo.Actor("acme-admin")
	opFinance = demo.Actor("op-finance")
	keys      atomic.Int64
	acmeGroup = int64(1)
	acmeID    = int64(1)
	start     = time.Date(2026, 11, 26, 10, 0, 0, 0, clock.Tokyo)
	quietLog  = slog.New(slog.NewTextHandler(io.Discard, nil))
	november  = mustMonth("2026-11")
	december  = mustMonth("2026-12")
	january   = mustMonth("2027-01")
	february  = mustMonth("2027-02")
)

func mustMonth(s string) billing.Month {
	m, err := billing.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return envOn(t, postgrestest.NewPool(t), true)
}

// envOn wires the services over pool; load puts the demo data in first,
// with the test clock at start.
func envOn(t testing.TB, pool *pgxpool.Pool, load bool) *env {
	t.Helper()
	ctx := context.Background()
	tc := clock.NewTest(pool)
	if load {
		if err := tc.Set(ctx, start, nil); err != nil {
			t.Fatal(err)
		}
		if err := demo.Load(ctx, pool, tc.Now(), "x"); err != nil {
			t.Fatal(err)
		}
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat := &catalog.Store{DB: pool, Clock: tc}
	contracts := &contract.Store{DB: pool, Clock: tc, Catalog: cat}
	accounts := &account.Store{DB: pool, Clock: tc, I18n: b, Auth: auth.NewService(pool, tc, b, "http://portal.test")}
	led := &ledger.Store{DB: pool, Clock: tc, Contracts: contracts, Accounts: accounts, I18n: b}
	iss := &issuer.Store{DB: pool, Clock: tc}
	return &env{pool: pool, clock: tc, ledger: led,
		vouchers: &voucher.Service{DB: pool, Clock: tc, Catalog: cat, Contracts: contracts, Accounts: accounts,
			Ledger: led, Issuer: iss, I18n: b, BaseURL: "http://portal.test"},
		billing: &billing.Service{DB: pool, Pool: pool, Clock: tc, Ledger: led, Contracts: contracts, Accounts: accounts,
			Issuer: iss, I18n: b, Log: quietLog}}
}

// at moves the test clock to a Japan time.
func (e *env) at(t testing.TB, y int, m time.Month, d, h, min, s int) {
	t.Helper()
	if err := e.clock.Set(context.Background(), time.Date(y, m, d, h, min, s, 0, clock.Tokyo), nil); err != nil {
		t.Fatal(err)
	}
}

// buy orders quantity one-year Global Server ID codes (¥995 each) for Acme.
func (e *env) buy(t testing.TB, quantity int) int64 {
	t.Helper()
	in := voucher.Input{GroupID: acmeGroup, IdempotencyKey: fmt.Sprint("k", keys.Add(1)),
		Lines: []voucher.LineInput{{ProductID: 1, Years: 1, Quantity: quantity, FQDNs: 1}}}
	id, _, err := e.vouchers.Create(context.Background(), acmeID, in, acme)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (e *env) closeDue(t testing.TB) []billing.Report {
	t.Helper()
	reports, ran, err := e.billing.CloseDue(context.Background())
	if err != nil || !ran {
		t.Fatalf("close: ran %v, %v", ran, err)
	}
	return reports
}

func (e *env) invoice(t testing.TB, m billing.Month) billing.Invoice {
	t.Helper()
	invs, err := e.billing.Invoices(context.Background(), billing.InvoiceFilter{PartnerID: acmeID})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs {
		if inv.Month == m {
			return inv
		}
	}
	t.Fatalf("no invoice for %s among %d", m, len(invs))
	return billing.Invoice{}
}

func (e *env) figures(t testing.TB) ledger.Figures {
	t.Helper()
	f, err := e.ledger.Figures(context.Background(), acmeID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestAWorkedMonth follows Acme through four months: an invoice, a month
// with an order, the cancellation of last month's order and an adjustment,
// a net-negative month (a credit note) and the invoice that uses the credit;
// every figure is computed by hand.
func TestAWorkedMonth(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.at(t, 2026, 11, 28, 10, 0, 0)
	orderA := e.buy(t, 2) // ¥1,990

	e.at(t, 2026, 12, 1, 0, 0, 5)
	e.closeDue(t)
	nov := e.invoice(t, november)
	if nov.Net != 1990 || nov.Tax != 199 || nov.Total != 2189 || nov.DueOn.Format("2006-01-02") != "2027-01-31" ||
		nov.Number != "INV0000001" || nov.StatementNumber != "ST0000001" {
		t.Errorf("November: %+v", nov)
	}
	if f := e.figures(t); f.CurrentBalance != 0 || f.UnpaidInvoices != 2189 {
		t.Errorf("after November's close: %+v", f)
	}

	e.at(t, 2026, 12, 3, 9, 0, 0)
	orderB := e.buy(t, 3) // ¥2,985
	e.at(t, 2026, 12, 5, 9, 0, 0)
	if err := e.vouchers.Cancel(ctx, acmeID, orderA, acme); err != nil { // −¥1,990, November's order
		t.Fatal(err)
	}
	e.at(t, 2026, 12, 10, 9, 0, 0)
	if err := e.ledger.Adjust(ctx, acmeID, -500, "shipping of a token", opFinance); err != nil { // a ¥500 charge
		t.Fatal(err)
	}
	e.at(t, 2027, 1, 1, 0, 0, 1)
	e.closeDue(t)
	dec := e.invoice(t, december)
	// 2,985 − 1,990 + 500 = 1,495; tax 149.5 rounded down once = 149.
	if dec.Net != 1495 || dec.Tax != 149 || dec.Total != 1644 || dec.DueOn.Format("2006-01-02") != "2027-02-28" ||
		dec.Number != "INV0000002" {
		t.Errorf("December: %+v", dec)
	}
	if f := e.figures(t); f.CurrentBalance != 0 || f.UnpaidInvoices != 2189+1644 {
		t.Errorf("after December's close: %+v", f)
	}

	e.at(t, 2027, 1, 2, 8, 0, 0)                                         // within 30 days of 3 December 09:00
	if err := e.vouchers.Cancel(ctx, acmeID, orderB, acme); err != nil { // −¥2,985 in January, nothing bought
		t.Fatal(err)
	}
	e.at(t, 2027, 2, 1, 0, 0, 1)
	e.closeDue(t)
	notes, err := e.billing.CreditNotes(ctx, acmeID)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Net != 2985 || notes[0].Tax != 298 || notes[0].Total != 3283 || notes[0].Number != "CN0000001" {
		t.Fatalf("January's credit note: %+v", notes)
	}
	if f := e.figures(t); f.UnpaidInvoices != 2189+1644-3283 {
		t.Errorf("after the credit note: %+v", f)
	}

	e.at(t, 2027, 2, 10, 9, 0, 0)
	e.buy(t, 5) // ¥4,975
	e.at(t, 2027, 3, 1, 0, 0, 1)
	e.closeDue(t)
	feb := e.invoice(t, february)
	if feb.Net != 4975 || feb.Tax != 497 || feb.Total != 5472 || feb.CreditApplied != 3283 || feb.Due() != 5472-3283 {
		t.Errorf("February uses the credit: %+v", feb)
	}
	if feb.StatementNumber != "ST0000004" || feb.Number != "INV0000003" {
		t.Errorf("numbers have gaps: %s %s", feb.Number, feb.StatementNumber)
	}
	assertTotalsMatchRecomputation(t, e)
}

func assertTotalsMatchRecomputation(t *testing.T, e *env) {
	t.Helper()
	for _, p := range []int64{1, 2} {
		got, err := ledger.Compute(context.Background(), e.pool, p, 0)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ledger.Recompute(context.Background(), e.pool, p, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("partner %d: running totals %+v, recomputed %+v", p, got, want)
		}
	}
}

// TestClosingAClosedMonthAgainChangesNothing: the re-run writes no row, no
// document and no email, and says the partner was already closed.
func TestClosingAClosedMonthAgainChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.at(t, 2026, 11, 28, 10, 0, 0)
	e.buy(t, 1)
	e.at(t, 2026, 12, 1, 0, 0, 5)
	r, ran, err := e.billing.CloseOne(context.Background(), november)
	if err != nil || !ran || r.Closed != 1 {
		t.Fatalf("first run: %+v %v %v", r, ran, err)
	}
	before := counts(t, e.pool)
	r, ran, err = e.billing.CloseOne(context.Background(), november)
	if err != nil || !ran || r.Closed != 0 || r.AlreadyClosed != 1 || r.Results[0].Outcome != billing.OutcomeAlreadyClosed {
		t.Fatalf("second run: %+v %v %v", r, ran, err)
	}
	if after := counts(t, e.pool); after != before {
		t.Errorf("the re-run wrote: %s → %s", before, after)
	}
	if _, _, err := e.billing.CloseOne(context.Background(), december); err == nil {
		t.Error("the open month was closed")
	}
}

// counts summarises what a close writes.
func counts(t *testing.T, q postgres.Querier) string {
	t.Helper()
	var s string
	err := q.QueryRow(context.Background(), `SELECT concat_ws(' ',
		(SELECT count(*) FROM invoices), (SELECT count(*) FROM credit_notes), (SELECT count(*) FROM monthly_closes),
		(SELECT count(*) FROM ledger_entries), (SELECT count(*) FROM mail_outbox), (SELECT count(*) FROM audit_log),
		(SELECT string_agg(encode(sha256, 'hex'), ',' ORDER BY id) FROM documents),
		(SELECT string_agg(number || ':' || last, ',' ORDER BY series) FROM (SELECT series AS number, last, series FROM document_numbers) n))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTheInvoiceCarriesEveryItem reads the stored invoice and statement
// back with pdftotext.
func TestTheInvoiceCarriesEveryItem(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	e := newEnv(t)
	e.at(t, 2026, 11, 28, 10, 0, 0)
	e.buy(t, 2)
	e.at(t, 2026, 12, 1, 0, 0, 5)
	e.closeDue(t)
	inv := e.invoice(t, november)
	text := pdfText(t, e, inv.Number)
	for _, want := range []string{"請求書", demo.Operator.RegistrationNumber, "INV0000001", "御中", "様", "〒",
		"2027年1月31日", "NET30EOM", "ST0000001", "10%対象", "¥199", "¥2,189", "¥1,990", "2026年11月分",
		demo.Operator.BankName, demo.Operator.AccountNumber, "適格請求書"} {
		if !strings.Contains(text, want) {
			t.Errorf("the invoice lacks %q:\n%s", want, text)
		}
	}
	st := pdfText(t, e, inv.StatementNumber)
	for _, want := range []string{"請求明細書", "ST0000001", "INV0000001", "¥1,990", "¥199", "¥2,189"} {
		if !strings.Contains(st, want) {
			t.Errorf("the statement lacks %q:\n%s", want, st)
		}
	}
	if !pageNumber.MatchString(st) {
		t.Errorf("the statement has no page number:\n%s", st)
	}
	d1, err := e.billing.DocumentOf(context.Background(), acmeID, inv.Number)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.billing.DocumentOf(context.Background(), 2, inv.Number); err == nil {
		t.Error("Globex reads Acme's invoice")
	}
	if _, err := e.pool.Exec(context.Background(), `UPDATE documents SET content = 'x' WHERE id = $1`, d1.ID); err == nil {
		t.Error("a stored document was changed")
	}
}

var pageNumber = regexp.MustCompile(`1\s*/\s*1`)

func pdfText(t *testing.T, e *env, number string) string {
	t.Helper()
	d, err := e.billing.DocumentOf(context.Background(), acmeID, number)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = strings.NewReader(string(d.Content))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestAFailedMonthIsRetriedLaterNotEveryTick: a close that fails for want
// of the operator's details is due again ten minutes later, not at once;
// once the details are there it closes.
func TestAFailedMonthIsRetriedLaterNotEveryTick(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.at(t, 2026, 11, 28, 10, 0, 0)
	e.buy(t, 1)
	if _, err := e.pool.Exec(ctx, `DELETE FROM operator_identity`); err != nil {
		t.Fatal(err)
	}
	e.at(t, 2026, 12, 1, 0, 0, 5)
	if r := e.closeDue(t); len(r) != 1 || r[0].Failed != 1 {
		t.Fatalf("the first run: %+v", r)
	}
	if due, err := e.billing.DueMonths(ctx); err != nil || len(due) != 0 {
		t.Errorf("due again at once: %v %v", due, err)
	}
	if err := issuer.Put(ctx, e.pool, demo.Operator, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.at(t, 2026, 12, 1, 0, 11, 0)
	if r := e.closeDue(t); len(r) != 1 || r[0].Closed != 1 {
		t.Errorf("ten minutes later: %+v", r)
	}
}

// TestAThousandLineStatementNumbersItsPagesAndRepeatsItsHeader: a month of
// 1,000 entries gives a statement of many pages, each with the table's
// header and "n / N", whose lines and totals are all there.
func TestAThousandLineStatementNumbersItsPagesAndRepeatsItsHeader(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	e := newEnv(t)
	ctx := context.Background()
	e.at(t, 2026, 11, 28, 10, 0, 0)
	if _, err := e.pool.Exec(ctx, `
		INSERT INTO ledger_entries (partner_id, at, kind, amount, reason)
		SELECT 1, $1::timestamptz + make_interval(secs => g), 'adjustment', -g, 'line ' || g FROM generate_series(1, 1000) g`,
		e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.at(t, 2026, 12, 1, 0, 0, 5)
	e.closeDue(t)
	inv := e.invoice(t, november)
	if want := money.Yen(1000 * 1001 / 2); inv.Net != want || inv.Tax != money.Tax(want, 10) {
		t.Fatalf("the month: %+v, want net %v", inv, want)
	}
	text := pdfText(t, e, inv.StatementNumber)
	pages := strings.Split(strings.TrimRight(text, "\f\n"), "\f")
	if len(pages) < 10 {
		t.Fatalf("%d pages for 1,000 lines", len(pages))
	}
	for i, page := range pages {
		number := regexp.MustCompile(fmt.Sprintf(`%d\s*/\s*%d`, i+1, len(pages)))
		rows := strings.Contains(page, "line ")
		if !number.MatchString(page) || rows && (!strings.Contains(page, "オーダー") || !strings.Contains(page, "金額")) {
			t.Errorf("page %d lacks the table's header or %d / %d:\n%s", i+1, i+1, len(pages), page)
		}
	}
	for _, want := range []string{"line 1\n", "line 1000", inv.Net.String(), inv.Total.String()} {
		if !strings.Contains(text, strings.TrimSuffix(want, "\n")) {
			t.Errorf("the statement lacks %q", want)
		}
	}
}
