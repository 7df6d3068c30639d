package apikey

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/fault"
)

// ErrUnauthenticated means the key is missing, unknown, revoked, expired,
// or its user is deactivated (the answer never says which).
var ErrUnauthenticated = errors.New("apikey: invalid key")

// failureUsername is the login_failures row's username for a wrong key:
// wrong keys and wrong passwords share the per-address budget of
// auth.MaxFailuresPerAddress, and no username can be spelled like this.
const failureUsername = "(api key)"

// RateLimited refuses a request for a while: the key's requests per
// minute are used up, or the client address failed too often.
type RateLimited struct{ RetryAfter time.Duration }

func (e *RateLimited) Error() string { return "apikey: rate limited for " + e.RetryAfter.String() }

// FaultKind makes the refusal a TooMany (429).
func (e *RateLimited) FaultKind() fault.Kind { return fault.TooMany }

// Caller is who calls the API: the key and the principal of its user.
type Caller struct {
	KeyID     int64
	KeyName   string
	ReadOnly  bool
	Principal *auth.Principal
}

// Actor is the caller as the domain's actor from ip.
func (c Caller) Actor(ip netip.Addr) auth.Actor { return auth.Actor{Principal: c.Principal, IP: ip} }

// Authenticate returns the caller that token (the X-DC-DEVKEY header)
// belongs to and counts the request against the key's rate limit. It
// returns ErrUnauthenticated for a key that does not work (and counts the
// failure for ip, like a failed sign-in), or *RateLimited.
func (s *Service) Authenticate(ctx context.Context, token string, ip netip.Addr) (Caller, error) {
	now := s.Clock.Now()
	if err := s.addressAllowed(ctx, ip, now); err != nil {
		return Caller{}, err
	}
	var c Caller
	var userID int64
	var count int
	var window time.Time
	err := s.DB.QueryRow(ctx, `
		UPDATE api_keys k SET last_used_at = $2,
			rate_count = CASE WHEN k.rate_window IS NULL OR k.rate_window < $3 THEN 1 ELSE k.rate_count + 1 END,
			rate_window = CASE WHEN k.rate_window IS NULL OR k.rate_window < $3 THEN $3 ELSE k.rate_window END
		FROM users u
		WHERE k.key_hash = $1 AND u.id = k.user_id AND u.active AND u.partner_id = k.partner_id
		  AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)
		RETURNING k.id, k.name, k.read_only, k.user_id, k.rate_count, k.rate_window`,
		auth.HashToken(token), now, now.Truncate(time.Minute)).Scan(&c.KeyID, &c.KeyName, &c.ReadOnly, &userID, &count, &window)
	if errors.Is(err, pgx.ErrNoRows) {
		return Caller{}, s.fail(ctx, ip, now)
	}
	if err != nil {
		return Caller{}, err
	}
	if count > s.perMinute() {
		return Caller{}, &RateLimited{RetryAfter: max(window.Add(time.Minute).Sub(now), time.Second)}
	}
	p, err := auth.PrincipalOf(ctx, s.DB, userID)
	if errors.Is(err, auth.ErrNoUser) {
		return Caller{}, ErrUnauthenticated
	}
	if err != nil {
		return Caller{}, err
	}
	p.Username = Label(p.Username, c.KeyName)
	c.Principal = p
	return c, nil
}

// addressAllowed refuses an address that failed auth.MaxFailuresPerAddress
// times (sign-ins and keys together) within auth.FailureWindow.
func (s *Service) addressAllowed(ctx context.Context, ip netip.Addr, now time.Time) error {
	if !ip.IsValid() {
		return nil
	}
	var n int
	var first *time.Time
	if err := s.DB.QueryRow(ctx, `SELECT count(*), min(at) FROM login_failures WHERE ip = $1 AND at > $2`,
		ip, now.Add(-auth.FailureWindow)).Scan(&n, &first); err != nil {
		return err
	}
	if n >= auth.MaxFailuresPerAddress && first != nil {
		return &RateLimited{RetryAfter: max(first.Add(auth.FailureWindow).Sub(now), time.Second)}
	}
	return nil
}

// fail counts a wrong key for ip and returns ErrUnauthenticated.
func (s *Service) fail(ctx context.Context, ip netip.Addr, now time.Time) error {
	var addr *netip.Addr
	if ip.IsValid() {
		addr = &ip
	}
	if _, err := s.DB.Exec(ctx, `INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3)`, failureUsername, addr, now); err != nil {
		return err
	}
	return ErrUnauthenticated
}

func (s *Service) perMinute() int {
	if s.PerMinute > 0 {
		return s.PerMinute
	}
	return DefaultPerMinute
}
