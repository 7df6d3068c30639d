package account_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

func newStore(t *testing.T) *account.Store {
	t.Helper()
	pool := postgrestest.NewPool(t)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	c := clock.System{}
	if err := demo.Load(context.Background(), pool, c.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	return &account.Store{DB: pool, Clock: c, I18n: b, Auth: auth.NewService(pool, c, b, "http://portal.test")}
}

var operator = demo.Actor("op-sales")

// system passes every check (auth.System): the invariants below hold
// whoever acts, so they are tested without the actor's rules.
var system = auth.System("test")

func TestAnAccountKeepsAnActiveGroupAndAnActiveAdministrator(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	groups, _ := s.Groups(ctx, 1)
	if err := s.SetGroupActive(ctx, 1, groups[0].ID, false, system); !errors.Is(err, account.ErrLastGroup) {
		t.Errorf("deactivating the last group: %v", err)
	}
	// Users 6-8 are Acme's admin, finance manager and standard user.
	if err := s.SetRoles(ctx, 1, 6, []auth.Role{auth.RoleStandard}, system); !errors.Is(err, account.ErrLastAdmin) {
		t.Errorf("removing the last Administrator's role: %v", err)
	}
	if err := s.SetActive(ctx, 1, 6, false, system); !errors.Is(err, account.ErrLastAdmin) {
		t.Errorf("deactivating the last Administrator: %v", err)
	}
	if err := s.SetRoles(ctx, 1, 7, []auth.Role{auth.RoleAdmin}, system); err != nil {
		t.Fatal(err)
	}
	if err := s.SetActive(ctx, 1, 6, false, system); err != nil {
		t.Errorf("with a second Administrator: %v", err)
	}
	// Another partner's user is not found.
	if err := s.SetActive(ctx, 2, 7, false, system); !errors.Is(err, account.ErrNotFound) {
		t.Errorf("partner 2 changing partner 1's user: %v", err)
	}
}

func TestApprovalDerivesAFreeUsername(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	in := account.Signup{Language: "ja", FirstName: "Taro", LastName: "Acme", JobTitle: "CEO", Email: "Acme-Admin@Other.example",
		Phone: "+81 3-1234-5678", JobFunction: "executive", CompanyName: "Other K.K.", Country: "jp", State: "東京都",
		City: "港区", Street: "1-1", PostalCode: "１０５－０００１"}
	id, err := s.SubmitSignup(ctx, in, auth.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Signup(ctx, id)
	if got.PostalCode != "105-0001" || got.Country != "JP" {
		t.Errorf("normalized: %q %q", got.PostalCode, got.Country)
	}
	a, err := s.ApproveSignup(ctx, id, operator)
	if err != nil {
		t.Fatal(err)
	}
	if a.Username != "acme-admin-2" { // acme-admin is taken by the demo
		t.Errorf("username %q", a.Username)
	}
	if _, err := s.ApproveSignup(ctx, id, operator); !errors.Is(err, account.ErrAlreadyReviewed) {
		t.Errorf("second approval: %v", err)
	}
	if err := s.RejectSignup(ctx, id, "late", operator); !errors.Is(err, account.ErrAlreadyReviewed) {
		t.Errorf("rejecting an approved application: %v", err)
	}
}

// TestConsentValidity checks the one rule "a consent is valid on a day" in
// both of its forms: Go (for the pages) and the SQL function that sessions,
// the delivery list and entering an account ask.
func TestConsentValidity(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	day := func(s string) time.Time { d, _ := time.ParseInLocation(time.DateOnly, s, clock.Tokyo); return d }
	c := account.Consent{SignedOn: day("2026-11-01"), ValidUntil: day("2027-10-31")}
	const globex = 2 // the demo partner without a consent
	if _, err := s.RecordConsent(ctx, globex, c, operator); err != nil {
		t.Fatal(err)
	}
	for at, want := range map[string]bool{"2026-10-31T23:59:00+09:00": false, "2026-11-01T00:00:00+09:00": true,
		"2027-10-31T23:59:00+09:00": true, "2027-10-31T15:00:00Z": false} {
		tm, _ := time.Parse(time.RFC3339, at)
		if got := c.ValidOn(tm); got != want {
			t.Errorf("ValidOn(%s) = %v", at, got)
		}
		var inSQL bool
		if err := s.DB.QueryRow(ctx, `SELECT proxy_consent_valid_until($1, $2) IS NOT NULL`, globex,
			clock.Date(tm).Format(time.DateOnly)).Scan(&inSQL); err != nil {
			t.Fatal(err)
		}
		if inSQL != want {
			t.Errorf("proxy_consent_valid_until on %s: valid %v, want %v", at, inSQL, want)
		}
	}
}

func TestOnGoingPaymentSettings(t *testing.T) {
	ok := account.PaymentSettings{Allowed: []string{"account_balance"}, Default: "account_balance"}
	if len(ok.ValidateOnGoing()) != 0 || !ok.UsesAccountBalance() {
		t.Error("account balance only refused")
	}
	for _, bad := range []account.PaymentSettings{{}, {Allowed: []string{"account_balance", "credit_card"}, Default: "account_balance"},
		{Allowed: []string{"bank_transfer"}, Default: "bank_transfer"}} {
		if len(bad.ValidateOnGoing()) == 0 || bad.UsesAccountBalance() {
			t.Errorf("%+v accepted", bad)
		}
	}
}
