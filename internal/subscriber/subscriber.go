// Package subscriber owns the end users (subscribers): the partner's
// customers who redeem voucher codes. They are a kind of account of their
// own, apart from partner and operator staff: their own table, email
// verification through a single-use link, passwords (argon2id, through
// internal/auth), sign-in throttling and sessions in a table of their own,
// so that a subscriber session is never a staff principal and a staff
// session never a subscriber.
package subscriber

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Limits.
const (
	// VerifyLinkLifetime is how long an emailed verification link works.
	VerifyLinkLifetime = 24 * time.Hour
	// MaxSignUpsPerHour caps the sign-ups (each emails a typed address)
	// from one client address.
	MaxSignUpsPerHour = 10
	// MaxNameLen is the longest display name.
	MaxNameLen = 100
)

// Refusals.
var (
	ErrTooManySignUps = fault.New(fault.TooMany, "subscriber: too many sign-ups from this address", "subscriber.too_many")
	ErrLinkInvalid    = fault.New(fault.NotFound, "subscriber: verification link unknown, used or expired", "subscriber.link_invalid")
	// ErrNotVerified means the password was right but the address is not
	// verified yet.
	ErrNotVerified = fault.New(fault.Forbidden, "subscriber: email address not verified", "subscriber.not_verified")
	// ErrInvalidCredentials means the email or the password is wrong (the
	// message never says which).
	ErrInvalidCredentials = fault.New(fault.Invalid, "subscriber: invalid email or password", "subscriber.invalid_login")
	// ErrBadLanguage is a language the portal does not offer.
	ErrBadLanguage = fault.New(fault.Invalid, "subscriber: unsupported language", "")
	// ErrNoSession is a missing, expired or unknown subscriber session.
	ErrNoSession = fault.New(fault.NotFound, "subscriber: no valid session", "")
)

// Subscriber is a signed-in end user.
type Subscriber struct {
	ID       int64
	Email    string
	Name     string
	Language string
}

// Service signs subscribers up, verifies them, signs them in and out.
type Service struct {
	DB      postgres.DB
	Clock   clock.Clock
	I18n    *i18n.Bundle
	BaseURL string
}

// With returns the service bound to q (the caller's transaction).
func (s *Service) With(q postgres.Querier) *Service { return postgres.Rebind(s, q) }

// throttleKey is the name under which a subscriber's failed sign-ins are
// counted in login_failures and login_locks: a prefix that no staff
// username can have (usernames hold no colon), so the two never mix.
func throttleKey(email string) string { return "subscriber:" + NormalizeEmail(email) }

// NormalizeEmail trims and lower-cases a typed address.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Entry is the actor's part of an audit entry of something s did from ip
// (the end user is named "subscriber:<email>", never a staff username);
// domains complete it with In and Of.
func (s Subscriber) Entry(ip netip.Addr) audit.Entry {
	return audit.Entry{ActorUsername: throttleKey(s.Email), IP: ip}
}

// entry is the audit entry of something subscriber id (email) did.
func entry(now time.Time, action audit.Action, id int64, email string, ip netip.Addr) audit.Entry {
	return audit.Entry{At: now, Action: action, ActorUsername: throttleKey(email), IP: ip,
		ObjectType: "subscriber", ObjectID: fmt.Sprint(id)}
}

var (
	dummyOnce sync.Once
	dummy     string
)

// dummyHash is verified against for an unknown address, so that it takes
// as long as a wrong password.
func dummyHash() string {
	dummyOnce.Do(func() { dummy, _ = auth.HashPassword("dummy password for timing") })
	return dummy
}

type ctxKey struct{}

// WithSubscriber returns ctx carrying the signed-in subscriber.
func WithSubscriber(ctx context.Context, s *Subscriber) context.Context {
	return context.WithValue(ctx, ctxKey{}, s)
}

// From returns the signed-in subscriber, or nil.
func From(ctx context.Context) *Subscriber {
	s, _ := ctx.Value(ctxKey{}).(*Subscriber)
	return s
}
