package voucher_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
)

// env is the voucher service over a fresh database with the demo data.
type env struct {
	pool  *pgxpool.Pool
	clock *clock.Test
	svc   *voucher.Service
}

func newEnv(t testing.TB) *env {
	t.Helper()
	pool := postgrestest.NewPool(t)
	tc := clock.NewTest(pool)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(context.Background(), pool, tc.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	cat := &catalog.Store{DB: pool, Clock: tc}
	contracts := &contract.Store{DB: pool, Clock: tc, Catalog: cat}
	accounts := &account.Store{DB: pool, Clock: tc, I18n: b, Auth: auth.NewService(pool, tc, b, "http://portal.test")}
	led := &ledger.Store{DB: pool, Clock: tc, Contracts: contracts, Accounts: accounts, I18n: b}
	return &env{pool: pool, clock: tc, svc: &voucher.Service{DB: pool, Clock: tc, Catalog: cat, Contracts: contracts,
		Accounts: accounts, Ledger: led, I18n: b, BaseURL: "http://portal.test"}}
}

// Acme (partner 1) and its first user and group.
var acme = demo.Actor("acme-admin")

const acmeGroup = 1

var keys atomic.Int64

func order(lines ...voucher.LineInput) voucher.Input {
	return voucher.Input{GroupID: acmeGroup, Lines: lines, IdempotencyKey: fmt.Sprint("k", keys.Add(1))}
}

// gsid is Global Server ID (product 1) for 1 year at ¥995 base and per FQDN.
func gsid(q, f, w int) voucher.LineInput {
	return voucher.LineInput{ProductID: 1, Years: 1, Quantity: q, FQDNs: f, Wildcards: w}
}

func TestTheManualsFourProductPatterns(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cases := []struct {
		name  string
		line  voucher.LineInput
		codes int
		total money.Yen
	}{
		{"① 1 ID", gsid(1, 1, 0), 1, 995},
		{"② 5 FQDNs", gsid(1, 5, 0), 1, 4975},
		{"③ 1 wildcard", gsid(1, 0, 1), 1, 5000},
		{"④ 2 IDs with 4 FQDNs + 1 wildcard", gsid(2, 4, 1), 2, 2 * (995*4 + 5000)},
	}
	for _, c := range cases {
		id, created, err := e.svc.Create(ctx, 1, order(c.line), acme)
		if err != nil || !created {
			t.Fatalf("%s: %v", c.name, err)
		}
		o, _ := e.svc.Order(ctx, 1, id)
		codes, _ := e.svc.Codes(ctx, 1, id)
		if o.Total != c.total || len(codes) != c.codes || o.Codes != c.codes {
			t.Errorf("%s: total %v with %d codes, want %v with %d", c.name, o.Total, len(codes), c.total, c.codes)
		}
		for _, code := range codes {
			if code.FQDNs != c.line.FQDNs || code.Wildcards != c.line.Wildcards || code.Shown(e.clock.Now()) != voucher.CodeActive {
				t.Errorf("%s: code %+v", c.name, code)
			}
		}
		if want := voucher.ExpiresOn(e.clock.Now()); !o.ExpiresOn.Equal(want) {
			t.Errorf("%s: expires %v, want %v", c.name, o.ExpiresOn, want)
		}
	}
	f, _ := e.svc.Ledger.Figures(ctx, 1)
	if f.CurrentBalance != -(995+4975+5000+2*(995*4+5000)) || f.Available != 5_000_000+f.CurrentBalance {
		t.Errorf("figures after the four orders: %+v", f)
	}
}

// TestConcurrentOrdersNeverOverdraw: a credit limit that allows 20 orders,
// 50 goroutines ordering at once: exactly 20 succeed.
func TestConcurrentOrdersNeverOverdraw(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	setCreditLimit(t, e, 20*4975)
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			_, _, err := e.svc.Create(ctx, 1, order(gsid(1, 5, 0)), acme)
			var r *voucher.Refusal
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &r) && r.MessageID == "voucher.insufficient_funds":
				refused.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	f, _ := e.svc.Ledger.Figures(ctx, 1)
	if ok.Load() != 20 || refused.Load() != 30 || f.Available != 0 {
		t.Errorf("%d succeeded, %d refused, available %v; want 20, 30, ¥0", ok.Load(), refused.Load(), f.Available)
	}
}

// setCreditLimit appends a contract version with limit, effective today.
func setCreditLimit(t *testing.T, e *env, limit money.Yen) { setCreditLimitTB(t, e, limit) }

func setCreditLimitTB(t testing.TB, e *env, limit money.Yen) {
	t.Helper()
	ctx := context.Background()
	v, err := e.svc.Contracts.InForce(ctx, 1, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	v.CreditLimit = limit
	if _, err := e.svc.Contracts.Create(ctx, 1, contract.NewVersion{EffectiveFrom: clock.Date(e.clock.Now()), Terms: v.Terms, Entries: v.Entries},
		demo.Actor("op-sales")); err != nil {
		t.Fatal(err)
	}
}

func TestTheSameFormTwiceMakesOneOrder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := order(gsid(3, 1, 0))
	var wg sync.WaitGroup
	ids := make([]int64, 4)
	for i := range ids {
		wg.Go(func() {
			id, _, err := e.svc.Create(ctx, 1, in, acme)
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("ids %v", ids)
		}
	}
	var orders, codes, charges int
	e.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM voucher_orders), (SELECT count(*) FROM voucher_codes),
		(SELECT count(*) FROM ledger_entries)`).Scan(&orders, &codes, &charges)
	if orders != 1 || codes != 3 || charges != 1 {
		t.Errorf("%d orders, %d codes, %d charges; want 1, 3, 1", orders, codes, charges)
	}
}

func TestCancelWindowAndUsedCodes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, _, _ := e.svc.Create(ctx, 1, order(gsid(2, 1, 0)), acme)
	b, _, _ := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme)
	c, _, _ := e.svc.Create(ctx, 1, order(gsid(2, 1, 0)), acme)

	codes, _ := e.svc.Codes(ctx, 1, c)
	if err := e.svc.Use(ctx, e.pool, codes[0].ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Cancel(ctx, 1, c, acme); !errors.Is(err, voucher.ErrNotCancellable) {
		t.Errorf("cancel with a used code: %v", err)
	}
	if err := e.clock.Advance(ctx, voucher.CancelWindow-time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := e.svc.Ledger.Figures(ctx, 1)
	if err := e.svc.Cancel(ctx, 1, a, acme); err != nil {
		t.Fatalf("30 days minus a minute: %v", err)
	}
	after, _ := e.svc.Ledger.Figures(ctx, 1)
	if after.CurrentBalance-before.CurrentBalance != 2*995 {
		t.Errorf("cancellation credited %v", after.CurrentBalance-before.CurrentBalance)
	}
	if codes, _ := e.svc.Codes(ctx, 1, a); codes[0].Status != voucher.CodeCancelled {
		t.Errorf("code after cancel: %s", codes[0].Status)
	}
	if err := e.svc.Cancel(ctx, 1, a, acme); !errors.Is(err, voucher.ErrNotCancellable) {
		t.Errorf("cancelling twice: %v", err)
	}
	if err := e.clock.Advance(ctx, 2*time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Cancel(ctx, 1, b, acme); !errors.Is(err, voucher.ErrNotCancellable) {
		t.Errorf("30 days plus a minute: %v", err)
	}
	// Another partner's order is not found.
	if err := e.svc.Cancel(ctx, 2, b, demo.Actor("globex-admin")); !errors.Is(err, voucher.ErrOrderNotFound) {
		t.Errorf("globex cancelling acme's order: %v", err)
	}
}

func TestReissuedCodeStopsWorkingAndKeepsTheExpiry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id, _, _ := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme)
	codes, _ := e.svc.Codes(ctx, 1, id)
	old := codes[0]
	if err := e.clock.Advance(ctx, 40*24*time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	newID, err := e.svc.Reissue(ctx, 1, old.ID, acme)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Redeemable(ctx, old.Code); err == nil {
		t.Error("the old code still redeems")
	}
	if _, err := e.svc.FindCode(ctx, 1, old.Code); !errors.Is(err, voucher.ErrCodeNotFound) {
		t.Errorf("search finds the old code: %v", err)
	}
	fresh, err := e.svc.CodeByID(ctx, 1, newID)
	if err != nil || !fresh.ExpiresOn.Equal(old.ExpiresOn) || fresh.Code == old.Code {
		t.Fatalf("replacement %+v (%v)", fresh, err)
	}
	if found, err := e.svc.FindCode(ctx, 1, fresh.Code); err != nil || found.OrderID != id {
		t.Errorf("search for the new code: %v", err)
	}
	if _, err := e.svc.Redeemable(ctx, fresh.Code); err != nil {
		t.Errorf("the new code does not redeem: %v", err)
	}
	if codes, _ := e.svc.Codes(ctx, 1, id); len(codes) != 1 || codes[0].ID != newID {
		t.Errorf("order lists %+v", codes)
	}
	// Reissuing it again (a second click, or a request that lost a race)
	// is a conflict, not a missing code.
	if _, err := e.svc.Reissue(ctx, 1, old.ID, acme); !errors.Is(err, voucher.ErrNotReissuable) {
		t.Errorf("reissuing the old code again: %v, want ErrNotReissuable", err)
	}
	// Used codes cannot be reissued; use and reactivation are the two transitions.
	if err := e.svc.Use(ctx, e.pool, newID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reissue(ctx, 1, newID, acme); !errors.Is(err, voucher.ErrNotReissuable) {
		t.Errorf("reissuing a used code: %v", err)
	}
	if err := e.svc.Reactivate(ctx, e.pool, newID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Reactivate(ctx, e.pool, newID); !errors.Is(err, voucher.ErrCodeNotReactivable) {
		t.Errorf("reactivating an active code: %v", err)
	}
}

func TestEveryRefusalWritesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	globex := demo.Actor("globex-admin")
	cases := []struct {
		name  string
		in    voucher.Input
		actor auth.Actor
		field string // a valid.Errors field, or
		msg   string // a Refusal message id
	}{
		{"quantity 0", order(gsid(0, 1, 0)), acme, voucher.LinePath(0, "quantity"), ""},
		{"quantity 1001", order(gsid(1001, 1, 0)), acme, voucher.LinePath(0, "quantity"), ""},
		{"FQDNs 251", order(gsid(1, 251, 0)), acme, voucher.LinePath(0, "fqdns"), ""},
		{"names 251", order(gsid(1, 200, 51)), acme, voucher.LinePath(0, "fqdns"), ""},
		{"no names", order(gsid(1, 0, 0)), acme, voucher.LinePath(0, "fqdns"), ""},
		{"years not in contract", order(voucher.LineInput{ProductID: 1, Years: 6, Quantity: 1, FQDNs: 1}), acme, voucher.LinePath(0, "product"), ""},
		{"wildcards on an EV product", order(voucher.LineInput{ProductID: 2, Years: 1, Quantity: 1, FQDNs: 1, Wildcards: 1}), acme, voucher.LinePath(0, "wildcards"), ""},
		{"token on a product without", order(voucher.LineInput{ProductID: 1, Years: 1, Quantity: 1, FQDNs: 1, ShipToken: true}), acme, voucher.LinePath(0, "ship_token"), ""},
		{"no lines", order(), acme, "lines", ""},
		{"billing contact incomplete", voucher.Input{GroupID: 2, Lines: []voucher.LineInput{gsid(1, 1, 0)}, IdempotencyKey: "g1"}, globex, "", "voucher.billing_incomplete"},
		{"over the limit", order(gsid(1000, 250, 0)), acme, "", "voucher.insufficient_funds"},
		{"another partner's group", voucher.Input{GroupID: 2, Lines: []voucher.LineInput{gsid(1, 1, 0)}, IdempotencyKey: "a2"}, acme, "group_id", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := fingerprint(t, e)
			_, _, err := e.svc.Create(ctx, c.actor.Principal.PartnerID, c.in, c.actor)
			var ve valid.Errors
			var r *voucher.Refusal
			switch {
			case c.field != "" && (!errors.As(err, &ve) || ve.ID(c.field) == ""):
				t.Errorf("want a problem with %s, got %v", c.field, err)
			case c.msg != "" && (!errors.As(err, &r) || r.MessageID != c.msg):
				t.Errorf("want refusal %s, got %v", c.msg, err)
			}
			if after := fingerprint(t, e); after != before {
				t.Errorf("wrote something: %s → %s", before, after)
			}
		})
	}
}

func fingerprint(t *testing.T, e *env) string {
	var s string
	err := e.pool.QueryRow(context.Background(), `SELECT concat_ws(' ',
		(SELECT count(*) FROM voucher_orders), (SELECT count(*) FROM voucher_codes), (SELECT count(*) FROM voucher_order_lines),
		(SELECT count(*) FROM ledger_entries), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM mail_outbox))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPaymentSettingsAndContractAreRequired(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.pool.Exec(ctx, `DELETE FROM payment_settings WHERE partner_id = 1`); err != nil {
		t.Fatal(err)
	}
	var r *voucher.Refusal
	before := fingerprint(t, e)
	if _, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme); !errors.As(err, &r) || r.MessageID != "voucher.payment_not_balance" {
		t.Errorf("without account-balance payment: %v", err)
	}
	if fingerprint(t, e) != before {
		t.Error("the refusal wrote something")
	}
	if err := e.clock.Advance(ctx, 400*24*time.Hour, nil); err != nil { // past the contract's end
		t.Fatal(err)
	}
	if _, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme); !errors.As(err, &r) || r.MessageID != "voucher.no_contract" {
		t.Errorf("after the contract ended: %v", err)
	}
	if fingerprint(t, e) != before {
		t.Error("the refusal wrote something")
	}
}

func TestBalanceNotificationOncePerCrossing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	threshold := money.Yen(5_000_000 - 5000)
	if err := e.svc.Accounts.SaveNotification(ctx, 1, account.Notification{Threshold: &threshold, Emails: []string{"alerts@acme.example"}}, acme); err != nil {
		t.Fatal(err)
	}
	lowMails := func() int {
		var n int
		e.pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE 'alerts@acme.example' = ANY (to_addrs)`).Scan(&n)
		return n
	}
	steps := []struct {
		name string
		do   func() error
		want int
	}{
		{"¥995: still above", func() error { _, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme); return err }, 0},
		{"¥4,975: crosses", func() error { _, _, err := e.svc.Create(ctx, 1, order(gsid(1, 5, 0)), acme); return err }, 1},
		{"¥995: stays below", func() error { _, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme); return err }, 1},
		{"credit: back above", func() error {
			return e.svc.Ledger.Adjust(ctx, 1, 10000, "goodwill", demo.Actor("op-finance"))
		}, 1},
		{"¥9,950: crosses again", func() error { _, _, err := e.svc.Create(ctx, 1, order(gsid(2, 5, 0)), acme); return err }, 2},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := lowMails(); got != s.want {
			t.Errorf("%s: %d notification emails, want %d", s.name, got, s.want)
		}
	}
}

// TestWorkThenRollsBackTheOrderWhenItFails: an order placed with CreateWith
// commits with its follow-up work, or not at all.
func TestWorkThenRollsBackTheOrderWhenItFails(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	before := postgrestest.Fingerprint(t, e.pool)
	refused := errors.New("the quote was ordered meanwhile")
	if _, _, err := e.svc.CreateWith(ctx, 1, order(gsid(1, 1, 0)), acme, func(postgres.Querier, int64) error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("then's error: %v", err)
	}
	if after := postgrestest.Fingerprint(t, e.pool); after != before {
		t.Error("a failed follow-up left the order behind")
	}
	var seen int64
	id, _, err := e.svc.CreateWith(ctx, 1, order(gsid(1, 1, 0)), acme, func(_ postgres.Querier, id int64) error { seen = id; return nil })
	if err != nil || seen != id || id == 0 {
		t.Errorf("then saw order %d of %d: %v", seen, id, err)
	}
}
