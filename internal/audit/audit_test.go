package audit_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

func TestAuditLogIsAppendOnly(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	err := audit.Record(ctx, pool, audit.Entry{
		At: time.Now(), ActorUsername: "acme-admin", Action: audit.LoginSucceeded,
		IP: netip.MustParseAddr("192.0.2.7"), Details: map[string]any{"k": "v"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE audit_log SET action = 'tampered'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		if _, err := pool.Exec(ctx, stmt); err == nil {
			t.Errorf("%s was allowed", stmt)
		}
	}
	got, err := audit.List(ctx, pool, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Action != audit.LoginSucceeded || got[0].IP.String() != "192.0.2.7" || got[0].Details["k"] != "v" {
		t.Errorf("entry after refused changes: %+v", got)
	}
}

// TestEveryActionHasALabel keeps the audit log readable: each action has
// its label in both languages.
func TestEveryActionHasALabel(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[audit.Action]bool{}
	for _, a := range audit.AllActions {
		if seen[a] {
			t.Errorf("%s listed twice", a)
		}
		seen[a] = true
		for _, lang := range []string{"en", "ja"} {
			if id := "audit." + string(a); b.Localizer(lang).T(id) == id {
				t.Errorf("%s has no %s label", a, lang)
			}
		}
	}
}
