package billing_test

import (
	"context"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/auth/authtest"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/clock"
)

// TestEveryActionChecksItsActor: recording a payment and closing a month
// by hand are operator Finance's (and the CLI's, as the system); a refusal
// writes nothing.
func TestEveryActionChecksItsActor(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.buy(t, 1)
	e.at(t, 2026, time.December, 1, 9, 0, 0)
	e.closeDue(t)
	inv := e.invoice(t, november)
	payment := billing.PaymentInput{Amount: inv.Due(), PaidOn: clock.Date(e.clock.Now()), Reference: "transfer"}
	authtest.Check(t, e.pool, acmeID, e.billing, []authtest.Action{
		{Name: "RecordPayment", Perm: auth.ManageBilling, Do: func(_ int64, a auth.Actor) error {
			return e.billing.RecordPayment(ctx, inv.Number, payment, a)
		}},
		{Name: "CloseByHand", Perm: auth.ManageBilling, Do: func(_ int64, a auth.Actor) error {
			_, err := e.billing.CloseByHand(ctx, november, a)
			return err
		}},
	})
	if err := e.billing.RecordPayment(ctx, inv.Number, payment, acme); auth.Missing(err) != auth.ManageBilling {
		t.Errorf("Acme's administrator recording its own payment: %v", err)
	}
	if err := e.billing.RecordPayment(ctx, inv.Number, payment, opFinance); err != nil {
		t.Errorf("operator Finance: %v", err)
	}
	if _, err := e.billing.CloseByHand(ctx, november, auth.System("cli")); err != nil {
		t.Errorf("the CLI: %v", err)
	}
}
