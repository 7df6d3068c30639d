package catalog_test

import (
	"context"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/auth/authtest"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

// TestSaveChecksItsActor: only operator Sales edit the catalogue; a
// refusal writes nothing.
func TestSaveChecksItsActor(t *testing.T) {
	ctx := context.Background()
	pool := postgrestest.NewPool(t)
	if err := demo.Load(ctx, pool, time.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	s := &catalog.Store{DB: pool, Clock: clock.System{}}
	p, err := s.Get(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	p.NameEN += " (renamed)"
	authtest.Check(t, pool, 1, s, []authtest.Action{
		{Name: "Save", Perm: auth.ReviewPartners, Do: func(_ int64, a auth.Actor) error {
			_, err := s.Save(ctx, p, a)
			return err
		}},
	})
	if _, err := s.Save(ctx, p, demo.Actor("op-sales")); err != nil {
		t.Errorf("operator Sales: %v", err)
	}
}
