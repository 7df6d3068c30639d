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
