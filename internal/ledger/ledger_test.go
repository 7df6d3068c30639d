package ledger_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/auth/authtest"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

const acme = 1

type env struct {
	ledger *ledger.Store
	pool   postgres.DB
	limit  money.Yen
}

func newEnv(t testing.TB) env {
	t.Helper()
	ctx := context.Background()
	pool := postgrestest.NewPool(t)
	c := clock.System{}
	if err := demo.Load(ctx, pool, c.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat := &catalog.Store{DB: pool, Clock: c}
	contracts := &contract.Store{DB: pool, Clock: c, Catalog: cat}
	accounts := &account.Store{DB: pool, Clock: c, I18n: b, Auth: auth.NewService(pool, c, b, "http://portal.test")}
	v, err := contracts.InForce(ctx, acme, c.Now())
	if err != nil {
		t.Fatal(err)
	}
	return env{ledger: &ledger.Store{DB: pool, Clock: c, Contracts: contracts, Accounts: accounts, I18n: b}, pool: pool, limit: v.CreditLimit}
}

// charge charges amount (positive) to Acme in a transaction of its own.
func (e env) charge(t *testing.T, amount money.Yen) error {
	t.Helper()
	return postgres.InTx(context.Background(), e.pool, func(q postgres.Querier) error {
		_, err := e.ledger.Charge(context.Background(), q, ledger.Entry{PartnerID: acme, At: time.Now(), Kind: ledger.VoucherCharge, Amount: -amount})
		return err
	})
}

func (e env) credit(t *testing.T, kind ledger.Kind, amount money.Yen) {
	t.Helper()
	err := postgres.InTx(context.Background(), e.pool, func(q postgres.Querier) error {
		_, err := e.ledger.Credit(context.Background(), q, ledger.Entry{PartnerID: acme, At: time.Now(), Kind: kind, Amount: amount})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e env) figures(t *testing.T) ledger.Figures {
	t.Helper()
	f, err := e.ledger.Figures(context.Background(), acme)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTheFourFigures(t *testing.T) {
	e := newEnv(t)
	if f := e.figures(t); f.CurrentBalance != 0 || f.UnpaidInvoices != 0 || f.Available != e.limit || f.CreditLimit != e.limit {
		t.Fatalf("a fresh account: %+v (limit %d)", f, e.limit)
	}
	if err := e.charge(t, 30_000); err != nil {
		t.Fatal(err)
	}
	e.credit(t, ledger.CancellationCredit, 10_000)
	e.credit(t, ledger.InvoiceIssued, -22_000) // an invoice moves an amount into unpaid invoices
	f := e.figures(t)
	if f.CurrentBalance != -20_000 || f.UnpaidInvoices != 22_000 || f.Available != e.limit-20_000-22_000 {
		t.Errorf("after a charge, a cancellation and an invoice: %+v", f)
	}
	e.credit(t, ledger.PaymentReceived, 22_000)
	if f := e.figures(t); f.UnpaidInvoices != 0 || f.Available != e.limit-20_000 {
		t.Errorf("after the payment: %+v", f)
	}
}

func TestAChargeOverAvailableFundsIsRefusedAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	err := e.charge(t, e.limit+1)
	if !errors.Is(err, ledger.ErrInsufficientFunds) {
		t.Fatalf("over the limit: %v", err)
	}
	if f := e.figures(t); f.CurrentBalance != 0 {
		t.Errorf("the refused charge was written: %+v", f)
	}
	if err := e.charge(t, e.limit); err != nil {
		t.Errorf("exactly the available funds: %v", err)
	}
}

func TestTheThresholdEmailIsSentOncePerCrossing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	threshold := e.limit - 50_000
	err := e.ledger.Accounts.SaveNotification(ctx, acme, account.Notification{Threshold: &threshold, Emails: []string{"ap@acme.example"}},
		demo.Actor("acme-admin"))
	if err != nil {
		t.Fatal(err)
	}
	lowBalanceMails := func() int {
		msgs, err := mail.List(ctx, e.pool)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range msgs {
			if len(m.To) == 1 && m.To[0] == "ap@acme.example" && strings.Contains(m.BodyText, "Acme") {
				n++
			}
		}
		return n
	}
	for _, step := range []struct {
		charge money.Yen
		credit money.Yen
		want   int
	}{
		{charge: 40_000, want: 0}, // still above the threshold
		{charge: 20_000, want: 1}, // crosses it: one email
		{charge: 5_000, want: 1},  // already below: none
		{credit: 30_000, want: 1}, // back above
		{charge: 30_000, want: 2}, // crosses again: a second email
	} {
		if step.charge != 0 {
			if err := e.charge(t, step.charge); err != nil {
				t.Fatal(err)
			}
		} else {
			e.credit(t, ledger.CancellationCredit, step.credit)
		}
		if got := lowBalanceMails(); got != step.want {
			t.Errorf("after charging %d / crediting %d: %d emails, want %d", step.charge, step.credit, got, step.want)
		}
	}
}

// TestAdjustChecksItsActor: only operator Finance adjusts a balance, any
// partner's; a refusal writes nothing.
func TestAdjustChecksItsActor(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	authtest.Check(t, e.pool, acme, e.ledger, []authtest.Action{
		{Name: "Adjust", Perm: auth.AdjustBalances, Do: func(p int64, a auth.Actor) error {
			return e.ledger.Adjust(ctx, p, 1000, "goodwill", a)
		}},
	})
	if err := e.ledger.Adjust(ctx, acme, 1000, "goodwill", demo.Actor("acme-admin")); auth.Missing(err) != auth.AdjustBalances {
		t.Errorf("a partner's administrator adjusting: %v", err)
	}
	if err := e.ledger.Adjust(ctx, 2, 1000, "goodwill", demo.Actor("op-finance")); err != nil {
		t.Errorf("operator Finance adjusting Globex: %v", err)
	}
	if f, _ := e.ledger.Figures(ctx, 2); f.CurrentBalance != 1000 {
		t.Errorf("Globex after the adjustment: %+v", f)
	}
}

// TestAnEntryIsNeverStampedInAClosedMonth: a writer whose clock lags the
// closer's stamps into a month already closed for its partner; the entry
// moves to the first instant of the next month instead of being lost.
func TestAnEntryIsNeverStampedInAClosedMonth(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.pool.Exec(ctx, `INSERT INTO monthly_closes (partner_id, month, closed_at, net) VALUES (1, '2026-10-01', now(), 0)`); err != nil {
		t.Fatal(err)
	}
	late := time.Date(2026, 10, 31, 23, 59, 59, 0, clock.Tokyo)
	id, err := ledger.Append(ctx, e.pool, ledger.Entry{PartnerID: acme, At: late, Kind: ledger.Adjustment, Amount: -1})
	if err != nil {
		t.Fatal(err)
	}
	var at time.Time
	if err := e.pool.QueryRow(ctx, `SELECT at FROM ledger_entries WHERE id = $1`, id).Scan(&at); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 1, 0, 0, 0, 0, clock.Tokyo); !at.Equal(want) {
		t.Errorf("stamped %s, want %s", at.In(clock.Tokyo), want)
	}
	other, err := ledger.Append(ctx, e.pool, ledger.Entry{PartnerID: 2, At: late, Kind: ledger.Adjustment, Amount: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.pool.QueryRow(ctx, `SELECT at FROM ledger_entries WHERE id = $1`, other).Scan(&at); err != nil || !at.Equal(late) {
		t.Errorf("another partner's entry moved: %s %v", at, err)
	}
}
