package contract_test

import (
	"context"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

func TestDraftStartsFromTheContractInForceOrTheDefaults(t *testing.T) {
	ctx := context.Background()
	pool := postgrestest.NewPool(t)
	now := time.Now()
	if err := demo.Load(ctx, pool, now, "x"); err != nil {
		t.Fatal(err)
	}
	s := &contract.Store{DB: pool, Clock: clock.System{}, Catalog: &catalog.Store{DB: pool, Clock: clock.System{}}}
	today := clock.Date(now)
	const acme, globex, newcomer = 1, 2, 999
	acmeV, err := s.InForce(ctx, acme, today)
	if err != nil {
		t.Fatal(err)
	}
	globexV, err := s.InForce(ctx, globex, today)
	if err != nil {
		t.Fatal(err)
	}

	fresh, err := s.Draft(ctx, newcomer, newcomer, today)
	if err != nil || fresh.Terms != contract.DefaultTerms(today) || len(fresh.Entries) != 0 {
		t.Errorf("a partner without a contract: %+v, %v", fresh.Terms, err)
	}
	if fresh.PaymentTerms != "NET30EOM" || !fresh.EndDate.Equal(today.AddDate(1, 0, -1)) {
		t.Errorf("default terms %+v", fresh.Terms)
	}
	copied, err := s.Draft(ctx, globex, acme, today)
	if err != nil || copied.Terms != globexV.Terms || len(copied.Entries) != len(acmeV.Entries) {
		t.Errorf("Acme's prices for Globex: terms %+v (want Globex's %+v), %d entries, %v", copied.Terms, globexV.Terms, len(copied.Entries), err)
	}
	adopted, err := s.Draft(ctx, newcomer, acme, today)
	if err != nil || adopted.Terms != acmeV.Terms {
		t.Errorf("Acme's prices for a partner without terms of its own: %+v, %v", adopted.Terms, err)
	}
}

func TestNewEntryDefaultsTheBaseToTheOfferedPrice(t *testing.T) {
	offered := contract.NewEntry(1, 1, 100_000, 3000, nil, 0, 0)
	if offered.Base != 70_000 {
		t.Errorf("offered base %d, want 70,000", offered.Base)
	}
	typed := contract.NewEntry(1, 1, 100_000, 3000, new(money.Yen(65_000)), 0, 0)
	if typed.Base != 65_000 {
		t.Errorf("typed base %d", typed.Base)
	}
}
