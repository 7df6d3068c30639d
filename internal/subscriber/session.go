package subscriber

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Session limits: the staff's (auth.IdleTimeout, auth.AbsoluteLifetime).
const (
	IdleTimeout      = auth.IdleTimeout
	AbsoluteLifetime = auth.AbsoluteLifetime
	touchEvery       = time.Minute
)

// Login checks the password of the subscriber with email and opens a
// subscriber session, ending the browser's previous one (previousToken).
// Failures are throttled like staff sign-ins (login_failures and
// login_locks, under the key "subscriber:<email>", and per address). It
// returns the new token, or ErrInvalidCredentials, *auth.LockedError,
// auth.ErrTooManyFromAddress or ErrNotVerified; every outcome is audited.
func (s *Service) Login(ctx context.Context, email, password string, ip netip.Addr, previousToken string) (string, error) {
	var token string
	var loginErr error
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var err error
		token, loginErr, err = s.login(ctx, q, NormalizeEmail(email), password, ip, previousToken)
		return err
	})
	if err != nil {
		return "", err
	}
	return token, loginErr
}

func (s *Service) login(ctx context.Context, q postgres.Querier, email, password string, ip netip.Addr, previousToken string) (token string, loginErr, err error) {
	now := s.Clock.Now()
	key := throttleKey(email)
	if refusal, err := refusal(ctx, q, key, ip, now); err != nil || refusal != nil {
		if err == nil {
			e := entry(now, audit.SubscriberLoginRefused, 0, email, ip)
			e.ObjectID, e.Details = "", map[string]any{"reason": refusal.Error()}
			err = audit.Record(ctx, q, e)
		}
		return "", refusal, err
	}
	var id int64
	var hash string
	var verified bool
	err = q.QueryRow(ctx, `SELECT id, password_hash, verified_at IS NOT NULL FROM subscribers WHERE lower(email) = $1 AND active`, email).
		Scan(&id, &hash, &verified)
	if errors.Is(err, pgx.ErrNoRows) {
		auth.VerifyPassword(dummyHash(), password)
		return "", ErrInvalidCredentials, recordFailure(ctx, q, key, ip, now, entry(now, audit.SubscriberLoginFailed, 0, email, ip))
	} else if err != nil {
		return "", nil, err
	}
	if !auth.VerifyPassword(hash, password) {
		return "", ErrInvalidCredentials, recordFailure(ctx, q, key, ip, now, entry(now, audit.SubscriberLoginFailed, id, email, ip))
	}
	if _, err := q.Exec(ctx, `DELETE FROM login_failures WHERE username = $1`, key); err != nil {
		return "", nil, err
	}
	if !verified {
		e := entry(now, audit.SubscriberLoginRefused, id, email, ip)
		e.Details = map[string]any{"reason": "not verified"}
		return "", ErrNotVerified, audit.Record(ctx, q, e)
	}
	if err := deleteSession(ctx, q, previousToken); err != nil {
		return "", nil, err
	}
	token, tokenHash, err := auth.NewToken()
	if err != nil {
		return "", nil, err
	}
	if _, err := q.Exec(ctx, `
		INSERT INTO subscriber_sessions (token_hash, subscriber_id, created_at, last_seen_at, expires_at, ip)
		VALUES ($1, $2, $3, $3, $4, $5)`, tokenHash, id, now, now.Add(AbsoluteLifetime), postgres.NullAddr(ip)); err != nil {
		return "", nil, err
	}
	return token, nil, audit.Record(ctx, q, entry(now, audit.SubscriberLogin, id, email, ip))
}

// refusal is why an attempt is refused before its password is checked: the
// key is locked, or the address failed too often (staff and subscriber
// failures together).
func refusal(ctx context.Context, q postgres.Querier, key string, ip netip.Addr, now time.Time) (error, error) {
	var until time.Time
	err := q.QueryRow(ctx, `SELECT locked_until FROM login_locks WHERE username = $1 AND locked_until > $2`, key, now).Scan(&until)
	if err == nil {
		return &auth.LockedError{Until: until}, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	if !ip.IsValid() {
		return nil, nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE ip = $1 AND at > $2`, ip, now.Add(-auth.FailureWindow)).Scan(&n); err != nil {
		return nil, err
	}
	if n >= auth.MaxFailuresPerAddress {
		return auth.ErrTooManyFromAddress, nil
	}
	return nil, nil
}

// recordFailure counts a failure and locks the key at the
// auth.MaxFailuresPerUsername-th within auth.FailureWindow.
func recordFailure(ctx context.Context, q postgres.Querier, key string, ip netip.Addr, now time.Time, e audit.Entry) error {
	if _, err := q.Exec(ctx, `INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3)`, key, postgres.NullAddr(ip), now); err != nil {
		return err
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE username = $1 AND at > $2`, key, now.Add(-auth.FailureWindow)).Scan(&n); err != nil {
		return err
	}
	if n >= auth.MaxFailuresPerUsername {
		until := now.Add(auth.LockDuration)
		e.Details = map[string]any{"locked_until": until}
		if _, err := q.Exec(ctx, `
			INSERT INTO login_locks (username, locked_until) VALUES ($1, $2)
			ON CONFLICT (username) DO UPDATE SET locked_until = EXCLUDED.locked_until`, key, until); err != nil {
			return err
		}
	}
	return audit.Record(ctx, q, e)
}

// Lookup returns the subscriber of a valid session and marks it seen, or
// ErrNoSession (unknown, idle too long, past its lifetime, deactivated).
func (s *Service) Lookup(ctx context.Context, token string) (*Subscriber, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	now := s.Clock.Now()
	hash := auth.HashToken(token)
	var sub Subscriber
	var lastSeen time.Time
	err := s.DB.QueryRow(ctx, `
		SELECT u.id, u.email, u.display_name, u.language, s.last_seen_at
		FROM subscriber_sessions s JOIN subscribers u ON u.id = s.subscriber_id
		WHERE s.token_hash = $1 AND u.active AND u.verified_at IS NOT NULL AND s.expires_at > $2 AND s.last_seen_at > $3`,
		hash, now, now.Add(-IdleTimeout)).Scan(&sub.ID, &sub.Email, &sub.Name, &sub.Language, &lastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	if now.Sub(lastSeen) >= touchEvery {
		if _, err := s.DB.Exec(ctx, `UPDATE subscriber_sessions SET last_seen_at = $2 WHERE token_hash = $1`, hash, now); err != nil {
			return nil, err
		}
	}
	return &sub, nil
}

func deleteSession(ctx context.Context, q postgres.Querier, token string) error {
	if token == "" {
		return nil
	}
	_, err := q.Exec(ctx, `DELETE FROM subscriber_sessions WHERE token_hash = $1`, auth.HashToken(token))
	return err
}

// Logout ends the session with token and audits it.
func (s *Service) Logout(ctx context.Context, sub *Subscriber, token string, ip netip.Addr) error {
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if err := deleteSession(ctx, q, token); err != nil {
			return err
		}
		return audit.Record(ctx, q, entry(s.Clock.Now(), audit.SubscriberLogout, sub.ID, sub.Email, ip))
	})
}

// SetLanguage keeps lang ("ja" or "en") as sub's language (pages and emails).
func (s *Service) SetLanguage(ctx context.Context, sub *Subscriber, lang string, ip netip.Addr) error {
	if !i18n.Supported(lang) {
		return ErrBadLanguage
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if _, err := q.Exec(ctx, `UPDATE subscribers SET language = $2 WHERE id = $1`, sub.ID, lang); err != nil {
			return err
		}
		e := entry(s.Clock.Now(), audit.SubscriberLanguage, sub.ID, sub.Email, ip)
		e.Details = map[string]any{"language": lang}
		return audit.Record(ctx, q, e)
	})
}
