package auth

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Session limits.
const (
	IdleTimeout      = 30 * time.Minute
	AbsoluteLifetime = 12 * time.Hour
	touchEvery       = time.Minute // last_seen_at is written at most this often
)

// ErrNoSession is returned for a missing, expired or revoked session.
var ErrNoSession = errors.New("auth: no valid session")

// Sessions keeps server-side sessions in PostgreSQL.
type Sessions struct {
	DB    postgres.Querier
	Clock clock.Clock
}

// Create starts a session for userID through q and returns its token (the
// cookie value; only its hash is stored).
func (s Sessions) Create(ctx context.Context, q postgres.Querier, userID int64, ip netip.Addr) (string, error) {
	token, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	now := s.Clock.Now()
	_, err = q.Exec(ctx, `
		INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip)
		VALUES ($1, $2, $3, $3, $4, $5)`, hash, userID, now, now.Add(AbsoluteLifetime), postgres.NullAddr(ip))
	return token, err
}

// Lookup returns the principal of a valid session and marks it seen. It
// returns ErrNoSession when the token is unknown, idle for longer than
// IdleTimeout, past its absolute lifetime, or its user is deactivated.
func (s Sessions) Lookup(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	now := s.Clock.Now()
	hash := HashToken(token)
	var p Principal
	var lastSeen time.Time
	var actingFor int64
	var actingName string
	// The consent is asked about the session's partner (the same as ap.id
	// in this join), not about ap.id: a condition on ap alone would be
	// checked for every partner before the join, on every request.
	err := s.DB.QueryRow(ctx, `
		SELECT u.id, u.username, u.display_name, u.email, coalesce(u.partner_id, 0),
		       coalesce(pt.name, ''), u.roles, u.language, s.last_seen_at,
		       coalesce(ap.id, 0), coalesce(ap.name, '')
		FROM sessions s
		JOIN users u ON u.id = s.user_id
		LEFT JOIN partners pt ON pt.id = u.partner_id
		LEFT JOIN partners ap ON ap.id = s.acting_for_partner_id AND 'delivery' = ANY (u.roles)
			AND proxy_consent_valid_until(s.acting_for_partner_id, $4) IS NOT NULL
		WHERE s.token_hash = $1 AND u.active AND s.expires_at > $2 AND s.last_seen_at > $3`,
		hash, now, now.Add(-IdleTimeout), clock.Date(now).Format(time.DateOnly)).
		Scan(&p.UserID, &p.Username, &p.DisplayName, &p.Email, &p.PartnerID, &p.PartnerName, &p.Roles, &p.Language, &lastSeen,
			&actingFor, &actingName)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	if actingFor != 0 && p.PartnerID == 0 {
		p.PartnerID, p.PartnerName, p.Roles, p.OnBehalf = actingFor, actingName, []Role{RoleDelivery}, true
	}
	if now.Sub(lastSeen) >= touchEvery {
		if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1`, hash, now); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

// Delete ends the session with token, if any.
func (s Sessions) Delete(ctx context.Context, q postgres.Querier, token string) error {
	_, err := q.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, HashToken(token))
	return err
}

// DeleteForUser ends every session of userID (password change, deactivation).
func (s Sessions) DeleteForUser(ctx context.Context, q postgres.Querier, userID int64) error {
	_, err := q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// KeepAliveAt re-dates the session with token as if it had just started at
// now. The test-clock page uses it so that whoever moves business time
// stays signed in (everyone else's sessions age with the clock).
func (s Sessions) KeepAliveAt(ctx context.Context, q postgres.Querier, token string, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1`,
		HashToken(token), now, now.Add(AbsoluteLifetime))
	return err
}

// ActFor makes the session with token work inside partnerID's account
// (0: back to the operator console). The caller checks the consent.
func (s Sessions) ActFor(ctx context.Context, q postgres.Querier, token string, partnerID int64) error {
	var p *int64
	if partnerID != 0 {
		p = &partnerID
	}
	_, err := q.Exec(ctx, `UPDATE sessions SET acting_for_partner_id = $2 WHERE token_hash = $1`, HashToken(token), p)
	return err
}
