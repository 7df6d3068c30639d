package quote_test

import (
	"context"
	"testing"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/auth/authtest"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/quote"
	"github.com/ccp-partner/portal/internal/voucher"
)

// TestEveryQuoteActionChecksItsActor: each action requires MakeQuotes of
// its actor (ordering also OrderVouchers), and partner staff reach only
// their own partner's quotes.
func TestEveryQuoteActionChecksItsActor(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id, err := e.svc.Save(ctx, 1, products(gsid(1, 1, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	authtest.Check(t, e.pool, 1, e.svc, []authtest.Action{
		{Name: "Save", Perm: auth.MakeQuotes, Do: func(p int64, a auth.Actor) error {
			_, err := e.svc.Save(ctx, p, products(gsid(1, 1, 0)), a)
			return err
		}},
		{Name: "Send", Perm: auth.MakeQuotes, Do: func(p int64, a auth.Actor) error {
			return e.svc.Send(ctx, p, id, quote.SendInput{To: "buyer@example.com", Lang: "ja"}, a)
		}},
		{Name: "Delete", Perm: auth.MakeQuotes, Do: func(p int64, a auth.Actor) error { return e.svc.Delete(ctx, p, id, a) }},
		{Name: "PurchaseOrder", Perm: auth.MakeQuotes, Do: func(p int64, a auth.Actor) error { return e.svc.PurchaseOrder(ctx, p, id, a) }},
		{Name: "MarkOrdered", Perm: auth.MakeQuotes, Do: func(p int64, a auth.Actor) error {
			return postgres.InTx(ctx, e.pool, func(q postgres.Querier) error { return e.svc.MarkOrdered(ctx, q, p, id, 1, a) })
		}},
		{Name: "Order", Perm: auth.MakeQuotes, Do: func(p int64, a auth.Actor) error {
			_, err := e.svc.Order(ctx, p, id, voucher.Input{GroupID: acmeGroup, IdempotencyKey: "authz"}, a)
			return err
		}},
	})
}
