package postgres_test

import (
	"context"
	"testing"

	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

type sessions struct{ DB postgres.Querier }

type authService struct {
	DB       postgres.DB
	Sessions sessions
}

type catalogStore struct{ DB postgres.DB }

type accountStore struct {
	DB      postgres.DB
	Auth    *authService
	Catalog *catalogStore
	Name    string
}

type service struct {
	DB       postgres.DB
	Accounts *accountStore
	Catalog  *catalogStore
	Labels   *struct{ Text string } // holds no database: left as it is
}

func TestRebindReachesEveryNestedStore(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	cat := &catalogStore{DB: pool}
	labels := &struct{ Text string }{"x"}
	s := &service{DB: pool, Catalog: cat, Labels: labels,
		Accounts: &accountStore{DB: pool, Catalog: cat, Name: "acme", Auth: &authService{DB: pool, Sessions: sessions{DB: pool}}}}
	err := postgres.InTx(ctx, pool, func(q postgres.Querier) error {
		b := postgres.Rebind(s, q)
		for name, db := range map[string]any{"service": b.DB, "accounts": b.Accounts.DB, "auth": b.Accounts.Auth.DB,
			"sessions": b.Accounts.Auth.Sessions.DB, "catalog": b.Catalog.DB, "accounts' catalog": b.Accounts.Catalog.DB} {
			if db != q {
				t.Errorf("%s is not bound to the transaction", name)
			}
		}
		if b.Catalog != b.Accounts.Catalog {
			t.Error("a shared store was copied twice")
		}
		if b.Labels != labels || b.Accounts.Name != "acme" {
			t.Error("fields without a database changed")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.DB != pool || s.Accounts.Auth.Sessions.DB != pool || s.Catalog.DB != pool {
		t.Error("the original store was changed")
	}
}
