package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Throttling limits.
const (
	MaxFailuresPerUsername = 5
	FailureWindow          = 15 * time.Minute
	LockDuration           = 15 * time.Minute
	MaxFailuresPerAddress  = 30
)

// ErrInvalidCredentials means the username or the password is wrong (the
// message never says which).
var ErrInvalidCredentials = errors.New("auth: invalid username or password")

// ErrTooManyFromAddress means the client address has failed too often.
var ErrTooManyFromAddress = fault.New(fault.TooMany, "auth: too many failed attempts from this address", "")

// LockedError means the username is locked until Until, even for the right password.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return "auth: username locked until " + e.Until.Format(time.RFC3339)
}

// Service signs users in and out and resets passwords.
type Service struct {
	DB       postgres.DB
	Clock    clock.Clock
	Sessions Sessions
	I18n     *i18n.Bundle
	BaseURL  string
}

// With returns the service bound to q (the caller's transaction), its
// sessions too.
func (s *Service) With(q postgres.Querier) *Service { return postgres.Rebind(s, q) }

// NewService wires a Service.
func NewService(db postgres.DB, c clock.Clock, b *i18n.Bundle, baseURL string) *Service {
	return &Service{DB: db, Clock: c, Sessions: Sessions{DB: db, Clock: c}, I18n: b, BaseURL: baseURL}
}

type credentials struct {
	id        int64
	hash      string
	partnerID int64
}

// Login checks the password of username and opens a session, ending the
// previous session of the browser (previousToken, may be empty) so that the
// token is renewed at sign-in. It returns the new session token, or
// ErrInvalidCredentials, *LockedError or ErrTooManyFromAddress; every
// outcome is audited.
func (s *Service) Login(ctx context.Context, username, password string, ip netip.Addr, previousToken string) (string, error) {
	username = NormalizeUsername(username)
	var token string
	var loginErr error
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var err error
		token, loginErr, err = s.login(ctx, q, username, password, ip, previousToken)
		return err
	})
	if err != nil {
		return "", err
	}
	return token, loginErr
}

// login does the work of Login in one transaction; refusals are returned
// as loginErr so that their audit entries and failure counts commit.
func (s *Service) login(ctx context.Context, q postgres.Querier, username, password string, ip netip.Addr, previousToken string) (token string, loginErr, err error) {
	now := s.Clock.Now()
	entry := audit.Entry{At: now, ActorUsername: username, IP: ip, ObjectType: "user"}
	if refusal, err := s.refusal(ctx, q, username, ip, now); err != nil || refusal != nil {
		if err == nil {
			entry.Action, entry.Details = audit.LoginRefused, map[string]any{"reason": refusal.Error()}
			err = audit.Record(ctx, q, entry)
		}
		return "", refusal, err
	}
	cred, err := lookupCredentials(ctx, q, username)
	if err != nil {
		return "", nil, err
	}
	if cred == nil || !VerifyPassword(cred.hash, password) {
		if cred == nil {
			VerifyPassword(dummyHash, password) // same time as a wrong password
		}
		entry.Action = audit.LoginFailed
		return "", ErrInvalidCredentials, s.recordFailure(ctx, q, username, ip, now, entry)
	}
	entry.Action, entry.ActorUserID, entry.PartnerID, entry.ObjectID = audit.LoginSucceeded, cred.id, cred.partnerID, fmt.Sprint(cred.id)
	if _, err := q.Exec(ctx, `DELETE FROM login_failures WHERE username = $1`, username); err != nil {
		return "", nil, err
	}
	if err := s.Sessions.Delete(ctx, q, previousToken); err != nil {
		return "", nil, err
	}
	if token, err = s.Sessions.Create(ctx, q, cred.id, ip); err != nil {
		return "", nil, err
	}
	return token, nil, audit.Record(ctx, q, entry)
}

// refusal returns why an attempt is refused before the password is checked,
// or nil.
func (s *Service) refusal(ctx context.Context, q postgres.Querier, username string, ip netip.Addr, now time.Time) (error, error) {
	var until time.Time
	err := q.QueryRow(ctx, `SELECT locked_until FROM login_locks WHERE username = $1 AND locked_until > $2`, username, now).Scan(&until)
	if err == nil {
		return &LockedError{Until: until}, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	if !ip.IsValid() {
		return nil, nil
	}
	var fromAddr int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE ip = $1 AND at > $2`, ip, now.Add(-FailureWindow)).Scan(&fromAddr); err != nil {
		return nil, err
	}
	if fromAddr >= MaxFailuresPerAddress {
		return ErrTooManyFromAddress, nil
	}
	return nil, nil
}

// recordFailure counts a failed attempt and locks the username at the fifth
// failure within FailureWindow.
func (s *Service) recordFailure(ctx context.Context, q postgres.Querier, username string, ip netip.Addr, now time.Time, entry audit.Entry) error {
	if _, err := q.Exec(ctx, `INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3)`, username, postgres.NullAddr(ip), now); err != nil {
		return err
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE username = $1 AND at > $2`, username, now.Add(-FailureWindow)).Scan(&n); err != nil {
		return err
	}
	if n >= MaxFailuresPerUsername {
		entry.Details = map[string]any{"locked_until": now.Add(LockDuration)}
		if _, err := q.Exec(ctx, `
			INSERT INTO login_locks (username, locked_until) VALUES ($1, $2)
			ON CONFLICT (username) DO UPDATE SET locked_until = EXCLUDED.locked_until`, username, now.Add(LockDuration)); err != nil {
			return err
		}
	}
	return audit.Record(ctx, q, entry)
}

// lookupCredentials returns the active user's id and hash, or nil when there
// is no such active user.
func lookupCredentials(ctx context.Context, q postgres.Querier, username string) (*credentials, error) {
	var c credentials
	err := q.QueryRow(ctx, `SELECT id, password_hash, coalesce(partner_id, 0) FROM users WHERE username = $1 AND active`, username).
		Scan(&c.id, &c.hash, &c.partnerID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return &c, err
}

// Logout ends the session with token and audits it.
func (s *Service) Logout(ctx context.Context, p *Principal, token string, ip netip.Addr) error {
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if err := s.Sessions.Delete(ctx, q, token); err != nil {
			return err
		}
		e := p.OwnEntry(s.Clock.Now(), ip)
		e.Action, e.ObjectType, e.ObjectID = audit.Logout, "user", fmt.Sprint(p.UserID)
		return audit.Record(ctx, q, e)
	})
}

// NormalizeUsername trims and lower-cases a typed username.
func NormalizeUsername(u string) string { return strings.ToLower(strings.TrimSpace(u)) }
