package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

// TestActorsAreTheLoadedUsers: demo.Actor's ids, partners and roles are
// those Load writes.
func TestActorsAreTheLoadedUsers(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	if err := demo.Load(ctx, pool, time.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	for _, name := range demo.Usernames() {
		var id, partnerID int64
		var roles []auth.Role
		if err := pool.QueryRow(ctx, `SELECT id, coalesce(partner_id, 0), roles FROM users WHERE username = $1`, name).Scan(&id, &partnerID, &roles); err != nil {
			t.Fatal(err)
		}
		p := demo.Actor(name).Principal
		if p.UserID != id || p.PartnerID != partnerID || !slices.Equal(p.Roles, roles) {
			t.Errorf("%s: actor %+v, loaded id %d, partner %d, roles %v", name, p, id, partnerID, roles)
		}
	}
}

// TestTheDemoPriceTableIsPlausible: a longer validity never costs less in
// total, nor more than that many single years, for any product.
func TestTheDemoPriceTableIsPlausible(t *testing.T) {
	offered := func(r demo.PriceRow) int64 {
		if r.Base != 0 {
			return r.Base
		}
		return r.List * int64(10000-r.DiscountBP) / 10000
	}
	one := map[string]int64{}
	last := map[string]int64{}
	for _, r := range demo.PriceTable {
		p := offered(r)
		if r.Years == 1 {
			one[r.Code] = p
		}
		if prev, ok := last[r.Code]; ok && p <= prev {
			t.Errorf("%s: %d years cost %d, no more than %d years", r.Code, r.Years, p, r.Years-1)
		}
		if base := one[r.Code]; base != 0 && p > base*int64(r.Years) {
			t.Errorf("%s: %d years cost %d, more than %d single years (%d)", r.Code, r.Years, p, r.Years, base*int64(r.Years))
		}
		last[r.Code] = p
	}
}
