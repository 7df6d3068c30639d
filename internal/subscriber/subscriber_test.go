package subscriber_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/valid"
)

func newService(t *testing.T) *subscriber.Service {
	t.Helper()
	pool := postgrestest.NewPool(t)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &subscriber.Service{DB: pool, Clock: clock.NewTest(pool), I18n: b, BaseURL: "https://portal.example"}
}

func TestSignUpRefusesBadInputAndWritesNothing(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	before := postgrestest.Fingerprint(t, s.DB)
	err := s.SignUp(ctx, subscriber.SignUp{Name: "", Email: "not-an-email", Password: "short", Confirm: "short", Language: "fr"}, netip.Addr{})
	var errs valid.Errors
	if !errors.As(err, &errs) || errs.ID("name") == "" || errs.ID("email") == "" || errs.ID("password") == "" || errs.ID("language") == "" {
		t.Fatalf("got %v", err)
	}
	if postgrestest.Fingerprint(t, s.DB) != before {
		t.Error("a refused sign-up wrote to the database")
	}
}

func TestSignUpVerifyAndSignIn(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	ip := netip.MustParseAddr("192.0.2.7")
	in := subscriber.SignUp{Name: "Hanako", Email: "Hanako@Example.jp", Password: "a long password", Confirm: "a long password",
		Language: "ja", Next: "/secure/x"}
	if err := s.SignUp(ctx, in, ip); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "hanako@example.jp", in.Password, ip, ""); !errors.Is(err, subscriber.ErrNotVerified) {
		t.Fatalf("before verifying: %v", err)
	}
	msgs, err := mail.List(ctx, s.DB)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox: %v %d", err, len(msgs))
	}
	if err := s.CheckVerifyToken(ctx, "nope"); !errors.Is(err, subscriber.ErrLinkInvalid) {
		t.Errorf("unknown token: %v", err)
	}
	// A second sign-up with the address sends a note, not a second account.
	if err := s.SignUp(ctx, in, ip); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT count(*) FROM subscribers`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d subscribers, %v", n, err)
	}
	if _, err := s.Login(ctx, "hanako@example.jp", "wrong password", ip, ""); !errors.Is(err, subscriber.ErrInvalidCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := s.Login(ctx, "nobody@example.jp", "wrong password", ip, ""); !errors.Is(err, subscriber.ErrInvalidCredentials) {
		t.Errorf("unknown address: %v", err)
	}
	var key string
	if err := s.DB.QueryRow(ctx, `SELECT username FROM login_failures ORDER BY id LIMIT 1`).Scan(&key); err != nil || key != "subscriber:hanako@example.jp" {
		t.Errorf("failure counted as %q (%v)", key, err)
	}
	if _, err := s.Lookup(ctx, "not a session"); !errors.Is(err, subscriber.ErrNoSession) {
		t.Errorf("lookup: %v", err)
	}
	var locked *auth.LockedError
	for range 5 {
		_, err = s.Login(ctx, "hanako@example.jp", "wrong password", ip, "")
	}
	if _, err := s.Login(ctx, "hanako@example.jp", in.Password, ip, ""); !errors.As(err, &locked) {
		t.Errorf("after failures: %v", err)
	}
}
