package voucher_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/auth/authtest"
	"github.com/ccp-partner/portal/internal/demo"
)

// TestEveryActionChecksItsActor: each action of the voucher service
// requires its permission of the actor, whatever page or key called it, and
// partner staff reach only their own partner's vouchers.
func TestEveryActionChecksItsActor(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	orderID, _, err := e.svc.Create(ctx, 1, order(gsid(2, 1, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := e.svc.Codes(ctx, 1, orderID)
	if err != nil {
		t.Fatal(err)
	}
	authtest.Check(t, e.pool, 1, e.svc, []authtest.Action{
		{Name: "Create", Perm: auth.OrderVouchers, Do: func(p int64, a auth.Actor) error {
			_, _, err := e.svc.Create(ctx, p, order(gsid(1, 1, 0)), a)
			return err
		}},
		{Name: "CreateWith", Perm: auth.OrderVouchers, Do: func(p int64, a auth.Actor) error {
			_, _, err := e.svc.CreateWith(ctx, p, order(gsid(1, 1, 0)), a, nil)
			return err
		}},
		{Name: "Cancel", Perm: auth.ChangeVouchers, Do: func(p int64, a auth.Actor) error { return e.svc.Cancel(ctx, p, orderID, a) }},
		{Name: "Reissue", Perm: auth.ChangeVouchers, Do: func(p int64, a auth.Actor) error {
			_, err := e.svc.Reissue(ctx, p, codes[0].ID, a)
			return err
		}},
	})
	// Operator delivery staff inside Acme's account order for Acme, and
	// only for Acme; a Standard User orders nothing.
	delivering := demo.Actor("op-delivery")
	delivering.Principal.PartnerID, delivering.Principal.Roles, delivering.Principal.OnBehalf = 1, []auth.Role{auth.RoleDelivery}, true
	if _, _, err := e.svc.Create(ctx, 2, order(gsid(1, 1, 0)), delivering); !errors.Is(err, auth.ErrOtherPartner) {
		t.Errorf("delivery staff in Acme's account ordering for Globex: %v", err)
	}
	if _, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), delivering); err != nil {
		t.Errorf("delivery staff ordering in Acme's account: %v", err)
	}
	if err := e.svc.Cancel(ctx, 1, orderID, delivering); auth.Missing(err) != auth.ChangeVouchers {
		t.Errorf("delivery staff cancelling: %v", err)
	}
	if _, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), demo.Actor("acme-user")); auth.Missing(err) != auth.OrderVouchers {
		t.Errorf("a Standard User ordering: %v", err)
	}
	if err := e.svc.Cancel(ctx, 1, orderID, acme); err != nil {
		t.Errorf("the order stayed cancellable by its partner: %v", err)
	}
}
