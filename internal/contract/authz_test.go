package contract_test

import (
	"context"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/auth/authtest"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

// TestCreateChecksItsActor: only operator Sales write contracts (any
// partner's); a refusal writes nothing.
func TestCreateChecksItsActor(t *testing.T) {
	ctx := context.Background()
	pool := postgrestest.NewPool(t)
	now := time.Now()
	if err := demo.Load(ctx, pool, now, "x"); err != nil {
		t.Fatal(err)
	}
	s := &contract.Store{DB: pool, Clock: clock.System{}, Catalog: &catalog.Store{DB: pool, Clock: clock.System{}}}
	v, err := s.InForce(ctx, 1, clock.Date(now))
	if err != nil {
		t.Fatal(err)
	}
	next := contract.NewVersion{EffectiveFrom: clock.Date(now), Terms: v.Terms, Entries: v.Entries}
	authtest.Check(t, pool, 1, s, []authtest.Action{
		{Name: "Create", Perm: auth.ReviewPartners, Do: func(p int64, a auth.Actor) error {
			_, err := s.Create(ctx, p, next, a)
			return err
		}},
	})
	if _, err := s.Create(ctx, 1, next, demo.Actor("acme-admin")); auth.Missing(err) != auth.ReviewPartners {
		t.Errorf("a partner writing its own contract: %v", err)
	}
	if _, err := s.Create(ctx, 2, next, demo.Actor("op-sales")); err != nil {
		t.Errorf("operator Sales: %v", err)
	}
}
