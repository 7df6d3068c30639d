package subscriber_test

import (
	"context"
	"errors"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/valid"
)

var resetLink = regexp.MustCompile(`https://portal\.example/secure/password/reset\?token=([A-Za-z0-9_-]+)`)

// resetMails returns the reset tokens emailed to address, oldest first,
// with the subjects of those emails.
func resetMails(t *testing.T, s *subscriber.Service, address string) (tokens, subjects []string) {
	t.Helper()
	msgs, err := mail.List(context.Background(), s.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if len(m.To) == 1 && m.To[0] == address {
			if sub := resetLink.FindStringSubmatch(m.BodyText); sub != nil {
				tokens, subjects = append(tokens, sub[1]), append(subjects, m.Subject)
			}
		}
	}
	return tokens, subjects
}

func advance(t *testing.T, s *subscriber.Service, d time.Duration) {
	t.Helper()
	if err := s.Clock.(*clock.Test).Advance(context.Background(), d, nil); err != nil {
		t.Fatal(err)
	}
}

func TestPasswordResetRefusesBadInputAndWritesNothing(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	ip := netip.MustParseAddr("192.0.2.8")
	if err := s.SignUp(ctx, subscriber.SignUp{Name: "Hanako", Email: "hanako@example.jp", Password: "a long password",
		Confirm: "a long password", Language: "en"}, ip); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestReset(ctx, "hanako@example.jp", "/secure/", ip); err != nil {
		t.Fatal(err)
	}
	tokens, _ := resetMails(t, s, "hanako@example.jp")
	if len(tokens) != 1 {
		t.Fatalf("%d reset mails", len(tokens))
	}
	before := postgrestest.Fingerprint(t, s.DB)
	var errs valid.Errors
	for _, email := range []string{"", "not-an-email"} {
		if err := s.RequestReset(ctx, email, "/secure/", ip); !errors.As(err, &errs) || errs.ID("email") == "" {
			t.Errorf("address %q: %v", email, err)
		}
	}
	cases := []struct{ password, confirm, field, id string }{
		{"short", "short", "password", "subscriber.password_length"},
		{strings.Repeat("x", auth.MaxPasswordLen+1), strings.Repeat("x", auth.MaxPasswordLen+1), "password", "subscriber.password_length"},
		{"a new long password", "another long password", "confirm", "subscriber.password_mismatch"},
	}
	for _, tc := range cases {
		_, err := s.ResetPassword(ctx, tokens[0], tc.password, tc.confirm, ip)
		if !errors.As(err, &errs) || errs.ID(tc.field) != tc.id {
			t.Errorf("%q/%q: %v, want %s on %s", tc.password, tc.confirm, err, tc.id, tc.field)
		}
	}
	for _, token := range []string{"", "not a token", tokens[0] + "x"} {
		if _, err := s.ResetPassword(ctx, token, "a new long password", "a new long password", ip); !errors.Is(err, subscriber.ErrResetLinkInvalid) {
			t.Errorf("token %q: %v", token, err)
		}
	}
	if postgrestest.Fingerprint(t, s.DB) != before {
		t.Error("a refused request or reset wrote to the database")
	}
	if err := s.CheckResetToken(ctx, tokens[0]); err != nil {
		t.Errorf("the link no longer works after refusals: %v", err)
	}
}

func TestPasswordResetSetsThePasswordOnceAndEndsSessions(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	ip := netip.MustParseAddr("192.0.2.9")
	const old, fresh = "an old long password", "a fresh long password"
	// Hanako signs up in Japanese and never opens the verification link.
	if err := s.SignUp(ctx, subscriber.SignUp{Name: "Hanako", Email: "hanako@example.jp", Password: old, Confirm: old,
		Language: "ja"}, ip); err != nil {
		t.Fatal(err)
	}
	// An unknown address sends nothing, and says nothing else.
	if err := s.RequestReset(ctx, "nobody@example.jp", "/secure/", ip); err != nil {
		t.Fatalf("unknown address: %v", err)
	}
	if err := s.RequestReset(ctx, " Hanako@Example.JP ", "/secure/requests/ssl_certificate/p?vc=ABC", ip); err != nil {
		t.Fatal(err)
	}
	// A second request within a minute sends no second mail.
	if err := s.RequestReset(ctx, "hanako@example.jp", "/secure/", ip); err != nil {
		t.Fatal(err)
	}
	msgs, err := mail.List(ctx, s.DB)
	if err != nil || len(msgs) != 2 { // the verification and one reset
		t.Fatalf("outbox: %d messages, %v", len(msgs), err)
	}
	tokens, subjects := resetMails(t, s, "hanako@example.jp")
	if len(tokens) != 1 || subjects[0] != "パスワード再設定のご案内" {
		t.Fatalf("reset mails %v", subjects)
	}
	if !strings.Contains(msgs[1].BodyText, "60分後") {
		t.Errorf("the mail does not give the link's lifetime: %s", msgs[1].BodyText)
	}
	var stored []byte
	if err := s.DB.QueryRow(ctx, `SELECT token_hash FROM subscriber_password_resets`).Scan(&stored); err != nil || string(stored) != string(auth.HashToken(tokens[0])) {
		t.Errorf("the link is not stored as its hash: %v", err)
	}

	next, err := s.ResetPassword(ctx, tokens[0], fresh, fresh, ip)
	if err != nil || next != "/secure/requests/ssl_certificate/p?vc=ABC" {
		t.Fatalf("reset: %q %v", next, err)
	}
	if _, err := s.ResetPassword(ctx, tokens[0], "yet another password", "yet another password", ip); !errors.Is(err, subscriber.ErrResetLinkInvalid) {
		t.Errorf("the link used twice: %v", err)
	}
	// Opening the link verified the address; only the new password works.
	if _, err := s.Login(ctx, "hanako@example.jp", old, ip, ""); !errors.Is(err, subscriber.ErrInvalidCredentials) {
		t.Errorf("old password: %v", err)
	}
	first, err := s.Login(ctx, "hanako@example.jp", fresh, ip, "")
	if err != nil {
		t.Fatalf("new password: %v", err)
	}
	second, err := s.Login(ctx, "hanako@example.jp", fresh, netip.MustParseAddr("198.51.100.1"), "")
	if err != nil {
		t.Fatal(err)
	}

	// A second reset ends both sessions and lifts a sign-in lock.
	for range auth.MaxFailuresPerUsername {
		_, _ = s.Login(ctx, "hanako@example.jp", "wrong password", ip, "")
	}
	var locked *auth.LockedError
	if _, err := s.Login(ctx, "hanako@example.jp", fresh, ip, ""); !errors.As(err, &locked) {
		t.Fatalf("after failures: %v", err)
	}
	advance(t, s, 2*time.Minute)
	if err := s.RequestReset(ctx, "hanako@example.jp", "", ip); err != nil {
		t.Fatal(err)
	}
	tokens, _ = resetMails(t, s, "hanako@example.jp")
	if len(tokens) != 2 {
		t.Fatalf("%d reset mails", len(tokens))
	}
	if _, err := s.ResetPassword(ctx, tokens[1], old, old, ip); err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{first, second} {
		if _, err := s.Lookup(ctx, token); !errors.Is(err, subscriber.ErrNoSession) {
			t.Errorf("a session survived the reset: %v", err)
		}
	}
	if _, err := s.Login(ctx, "hanako@example.jp", old, ip, ""); err != nil {
		t.Errorf("after the second reset: %v", err)
	}
	var asked, changed, verified int
	if err := s.DB.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE action = 'subscriber.reset_requested'), count(*) FILTER (WHERE action = 'subscriber.password_reset'),
		       count(*) FILTER (WHERE action = 'subscriber.verified')
		FROM audit_log WHERE object_type = 'subscriber'`).Scan(&asked, &changed, &verified); err != nil {
		t.Fatal(err)
	}
	if asked != 4 || changed != 2 || verified != 1 {
		t.Errorf("audit: %d requests, %d changes, %d verifications; want 4, 2, 1", asked, changed, verified)
	}
}

func TestPasswordResetLinkExpires(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	ip := netip.MustParseAddr("192.0.2.10")
	if err := s.SignUp(ctx, subscriber.SignUp{Name: "Jiro", Email: "jiro@example.jp", Password: "a long password",
		Confirm: "a long password", Language: "en"}, ip); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestReset(ctx, "jiro@example.jp", "", ip); err != nil {
		t.Fatal(err)
	}
	tokens, subjects := resetMails(t, s, "jiro@example.jp")
	if len(tokens) != 1 || subjects[0] != "Set a new password" {
		t.Fatalf("reset mails %v", subjects)
	}
	advance(t, s, subscriber.ResetLinkLifetime-time.Minute)
	if err := s.CheckResetToken(ctx, tokens[0]); err != nil {
		t.Errorf("before expiry: %v", err)
	}
	advance(t, s, 2*time.Minute)
	before := postgrestest.Fingerprint(t, s.DB)
	if err := s.CheckResetToken(ctx, tokens[0]); !errors.Is(err, subscriber.ErrResetLinkInvalid) {
		t.Errorf("after expiry: %v", err)
	}
	if _, err := s.ResetPassword(ctx, tokens[0], "a new long password", "a new long password", ip); !errors.Is(err, subscriber.ErrResetLinkInvalid) {
		t.Errorf("after expiry: %v", err)
	}
	if postgrestest.Fingerprint(t, s.DB) != before {
		t.Error("an expired link changed the database")
	}
}

func TestPasswordResetRequestsAreCappedPerClientAddress(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	ip := netip.MustParseAddr("192.0.2.11")
	if err := s.SignUp(ctx, subscriber.SignUp{Name: "Saburo", Email: "saburo@example.jp", Password: "a long password",
		Confirm: "a long password", Language: "en"}, netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	// Unknown addresses count as much as known ones, so that the cap tells
	// nothing about who has an account.
	for i := range subscriber.MaxResetsPerHour {
		if err := s.RequestReset(ctx, "someone"+string(rune('a'+i))+"@example.jp", "", ip); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	before := postgrestest.Fingerprint(t, s.DB)
	if err := s.RequestReset(ctx, "saburo@example.jp", "", ip); !errors.Is(err, subscriber.ErrTooManyResets) {
		t.Fatalf("over the cap: %v", err)
	}
	if postgrestest.Fingerprint(t, s.DB) != before {
		t.Error("a request over the cap wrote to the database")
	}
	if err := s.RequestReset(ctx, "saburo@example.jp", "", netip.MustParseAddr("192.0.2.12")); err != nil {
		t.Fatalf("another address: %v", err)
	}
	advance(t, s, time.Hour+time.Minute)
	if err := s.RequestReset(ctx, "nobody@example.jp", "", ip); err != nil {
		t.Errorf("an hour later: %v", err)
	}
	if tokens, _ := resetMails(t, s, "saburo@example.jp"); len(tokens) != 1 {
		t.Errorf("%d reset mails, want 1", len(tokens))
	}
}
