package app_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ccp-partner/portal/internal/app"
	"github.com/ccp-partner/portal/internal/config"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

// TestServicesBoundToATransactionNeverReachThePool binds each wired service
// to a transaction the way the domains do, and walks everything it holds:
// every database field is the transaction, none is the pool.
func TestServicesBoundToATransactionNeverReachThePool(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	services := map[string]any{"auth": a.Auth, "accounts": a.Accounts, "catalog": a.Catalog, "contracts": a.Contracts,
		"issuer": a.Issuer, "ledger": a.Ledger, "vouchers": a.Vouchers, "billing": a.Billing, "quotes": a.Quotes, "subscribers": a.Subscribers}
	err := postgres.InTx(ctx, a.Pool, func(q postgres.Querier) error {
		for name, s := range services {
			with := reflect.ValueOf(s).MethodByName("With")
			if !with.IsValid() {
				t.Errorf("%s has no With(q): it cannot be bound to a transaction", name)
				continue
			}
			b := with.Call([]reflect.Value{reflect.ValueOf(q)})[0]
			checkBound(t, name, b, q, map[uintptr]bool{})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkBound(t *testing.T, path string, v reflect.Value, q postgres.Querier, seen map[uintptr]bool) {
	t.Helper()
	if v.Kind() == reflect.Pointer {
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		name := path + "." + sf.Name
		switch {
		case sf.Type == reflect.TypeFor[postgres.DB]() || sf.Type == reflect.TypeFor[postgres.Querier]():
			if f.Interface() != any(q) {
				t.Errorf("%s reaches the pool, not the transaction", name)
			}
		case sf.Type.Kind() == reflect.Pointer || sf.Type.Kind() == reflect.Struct:
			checkBound(t, name, f, q, seen)
		}
	}
}

// newApp wires the portal over a fresh database, closed when the test ends.
func newApp(t *testing.T) *app.App {
	t.Helper()
	env := map[string]string{"DATABASE_URL": postgrestest.NewDB(t), "PORTAL_BASE_URL": "http://portal.test",
		"PORTAL_CA_FILE": filepath.Join(t.TempDir(), "ca.pem")}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}
