package billing_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/voucher"
)

// TestStoredFiguresEqualARecomputation drives Acme through about three
// months of random operations (seeded): orders, cancellations, operator
// adjustments both ways, payments, the clock moving forward by hours or
// days, and the close when a month ends (sometimes late, so that two
// months close together). After every step the running totals that the
// trigger keeps equal a sum over every entry, the newest entry's
// balance_after is the current balance and every entry's is the running
// balance in history order, and the unpaid invoices equal what the
// invoices still ask less the credit notes not yet applied.
func TestStoredFiguresEqualARecomputation(t *testing.T) {
	seed := uint64(20261126)
	if s := os.Getenv("BILLING_FIGURES_SEED"); s != "" { // to try other sequences
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seed = n
	}
	r := rand.New(rand.NewPCG(seed, 7))
	ctx := context.Background()
	e := newEnv(t)
	end := time.Date(2027, 3, 1, 0, 0, 0, 0, clock.Tokyo)
	var orders []int64
	ops := map[string]int{}
	for step := 0; e.clock.Now().Before(end); step++ {
		var op string
		switch k := r.IntN(20); {
		case k < 6:
			op = "buy"
			orders = append(orders, e.buy(t, 1+r.IntN(5)))
		case k < 8 && len(orders) > 0:
			op = "cancel"
			i := r.IntN(len(orders))
			switch err := e.vouchers.Cancel(ctx, acmeID, orders[i], acme); {
			case errors.Is(err, voucher.ErrNotCancellable):
				op = "cancel refused"
			case err != nil:
				t.Fatalf("step %d: cancel: %v", step, err)
			}
			orders = append(orders[:i], orders[i+1:]...)
		case k < 11:
			amount := money.Yen(1 + r.IntN(20_000))
			if r.IntN(2) == 0 {
				amount = -amount
			}
			op = fmt.Sprintf("adjust %d", amount)
			if err := e.ledger.Adjust(ctx, acmeID, amount, "random", opFinance); err != nil {
				t.Fatalf("step %d: %s: %v", step, op, err)
			}
		case k < 12:
			op = pay(t, e, r)
		default:
			before := billing.MonthOf(e.clock.Now())
			d := time.Duration(1+r.IntN(72)) * time.Hour
			if r.IntN(4) == 0 {
				d = time.Duration(1+r.IntN(6)) * 24 * time.Hour
			}
			if err := e.clock.Advance(ctx, d, nil); err != nil {
				t.Fatal(err)
			}
			op = "advance " + d.String()
			if billing.MonthOf(e.clock.Now()) != before && r.IntN(5) > 0 {
				op += ", close " + fmt.Sprint(len(e.closeDue(t))) + " month(s)"
			}
		}
		ops[opName(op)]++
		checkFigures(t, e, step, op)
	}
	e.closeDue(t)
	checkFigures(t, e, -1, "final close")
	checkBilledOnce(t, e.pool)
	var invoices, notes int
	if err := e.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM invoices), (SELECT count(*) FROM credit_notes)`).
		Scan(&invoices, &notes); err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d: %v; %d invoices, %d credit notes", seed, ops, invoices, notes)
}

func opName(op string) string {
	name, _, _ := strings.Cut(op, " ")
	return name
}

// pay records a random part of an open invoice, paid today.
func pay(t *testing.T, e *env, r *rand.Rand) string {
	t.Helper()
	invs, err := e.billing.Invoices(context.Background(), billing.InvoiceFilter{PartnerID: acmeID})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs {
		if inv.Due() > 0 {
			amount := money.Yen(1 + r.Int64N(int64(inv.Due())))
			in := billing.PaymentInput{Amount: amount, PaidOn: clock.Date(e.clock.Now()), Reference: "random"}
			if err := e.billing.RecordPayment(context.Background(), inv.Number, in, opFinance); err != nil {
				t.Fatalf("pay %s of %s: %v", amount, inv.Number, err)
			}
			return fmt.Sprintf("pay %d", amount)
		}
	}
	return "pay nothing"
}

// checkFigures compares Acme's stored figures with a recomputation.
func checkFigures(t *testing.T, e *env, step int, op string) {
	t.Helper()
	ctx := context.Background()
	got, err := ledger.Compute(ctx, e.pool, acmeID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ledger.Recompute(ctx, e.pool, acmeID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("step %d (%s): running totals %+v, recomputed %+v", step, op, got, want)
	}
	newest, err := ledger.History(ctx, e.pool, acmeID, ledger.Filter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(newest) > 0 && newest[0].Balance != got.CurrentBalance {
		t.Fatalf("step %d (%s): the last entry's balance_after %s, current balance %s", step, op,
			newest[0].Balance, got.CurrentBalance)
	}
	var documents int64
	if err := e.pool.QueryRow(ctx, `
		SELECT (SELECT coalesce(sum(total - credit_applied - paid), 0) FROM invoices WHERE partner_id = $1)
		     - (SELECT coalesce(sum(total - applied), 0) FROM credit_notes WHERE partner_id = $1)`,
		acmeID).Scan(&documents); err != nil {
		t.Fatal(err)
	}
	if int64(got.UnpaidInvoices) != documents {
		t.Fatalf("step %d (%s): unpaid invoices %s, but the invoices due less open credit make %d", step, op,
			got.UnpaidInvoices, documents)
	}
	var wrong int
	if err := e.pool.QueryRow(ctx, `
		SELECT count(*) FROM (
			SELECT balance_after, sum(CASE WHEN ledger_is_balance_kind(kind) THEN amount ELSE 0 END)
			                      OVER (ORDER BY at, id) AS running
			FROM ledger_entries WHERE partner_id = $1) x
		WHERE balance_after <> running`, acmeID).Scan(&wrong); err != nil {
		t.Fatal(err)
	}
	if wrong > 0 {
		t.Fatalf("step %d (%s): %d entries' balance_after differ from the running balance", step, op, wrong)
	}
}
