package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
)

// ResetLinkLifetime is how long an emailed password-reset link works.
const ResetLinkLifetime = time.Hour

// InviteLinkLifetime is how long the set-password link of a new user works.
const InviteLinkLifetime = 72 * time.Hour

// resetResendGap stops a flood of reset mails to one user.
const resetResendGap = time.Minute

// MaxResetMailsPerHour caps the reset mails requested from one client
// address; past it requests get the usual answer and send nothing.
const MaxResetMailsPerHour = 10

// ErrResetLinkInvalid means the link is unknown, used or expired.
var ErrResetLinkInvalid = fault.New(fault.NotFound, "auth: password link invalid, used or expired", "")

type resetTarget struct {
	id        int64
	username  string
	name      string
	email     string
	language  string
	partnerID int64
}

// RequestReset emails a single-use password link to the active user whose
// username or email is login. It says nothing about whether such a user
// exists (the caller shows the same message either way).
func (s *Service) RequestReset(ctx context.Context, login string, ip netip.Addr) error {
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		targets, err := resetTargets(ctx, q, login)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if ok, err := audit.UnderLimit(ctx, q, audit.PasswordResetAsk, ip, now, time.Hour, MaxResetMailsPerHour); err != nil || !ok {
			return err // over the limit: nothing is sent, and the page says the same as ever
		}
		for _, u := range targets {
			if err := s.sendResetLink(ctx, q, u, ip, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func resetTargets(ctx context.Context, q postgres.Querier, login string) ([]resetTarget, error) {
	rows, err := q.Query(ctx, `
		SELECT id, username, display_name, email, language, coalesce(partner_id, 0) FROM users
		WHERE active AND (username = $1 OR lower(email) = lower($2)) ORDER BY id`,
		NormalizeUsername(login), login)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (resetTarget, error) {
		var u resetTarget
		err := r.Scan(&u.id, &u.username, &u.name, &u.email, &u.language, &u.partnerID)
		return u, err
	})
}

func (s *Service) sendResetLink(ctx context.Context, q postgres.Querier, u resetTarget, ip netip.Addr, now time.Time) error {
	var recent bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM password_resets WHERE user_id = $1 AND created_at > $2)`,
		u.id, now.Add(-resetResendGap)).Scan(&recent); err != nil || recent {
		return err
	}
	link, err := s.CreatePasswordLink(ctx, q, u.id, now, ResetLinkLifetime)
	if err != nil {
		return err
	}
	l := s.I18n.Localizer(u.language)
	data := map[string]any{"Name": u.name, "Username": u.username, "Link": link, "Minutes": int(ResetLinkLifetime.Minutes())}
	if err := mail.Enqueue(ctx, q, now, mail.Translated(l, []string{u.email}, "mail.reset", data)); err != nil {
		return err
	}
	return audit.Record(ctx, q, audit.Entry{At: now, ActorUsername: u.username, PartnerID: u.partnerID, IP: ip,
		Action: audit.PasswordResetAsk, ObjectType: "user", ObjectID: fmt.Sprint(u.id)})
}

// CreatePasswordLink stores a new single-use token for userID through q,
// valid for lifetime, and returns the link that sets the password (used by
// resets and by new users).
func (s *Service) CreatePasswordLink(ctx context.Context, q postgres.Querier, userID int64, now time.Time, lifetime time.Duration) (string, error) {
	token, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	if _, err := q.Exec(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		hash, userID, now, now.Add(lifetime)); err != nil {
		return "", err
	}
	return s.BaseURL + "/password/reset?token=" + url.QueryEscape(token), nil
}

// CheckResetToken returns ErrResetLinkInvalid unless token can still set a password.
func (s *Service) CheckResetToken(ctx context.Context, token string) error {
	_, err := resetUser(ctx, s.DB, token, s.Clock.Now(), false)
	return err
}

// ResetPassword sets the password of the link's user, uses up every open
// link of that user, ends the user's sessions and lifts a login lock. It
// returns ErrResetLinkInvalid or a password-policy error.
func (s *Service) ResetPassword(ctx context.Context, token, password string, ip netip.Addr) error {
	if err := CheckPasswordPolicy(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		u, err := resetUser(ctx, q, token, now, true)
		if err != nil {
			return err
		}
		if err := setPassword(ctx, q, u, hash, now); err != nil {
			return err
		}
		if err := s.Sessions.DeleteForUser(ctx, q, u.id); err != nil {
			return err
		}
		return audit.Record(ctx, q, audit.Entry{At: now, ActorUserID: u.id, ActorUsername: u.username, PartnerID: u.partnerID,
			IP: ip, Action: audit.PasswordChanged, ObjectType: "user", ObjectID: fmt.Sprint(u.id)})
	})
}

func resetUser(ctx context.Context, q postgres.Querier, token string, now time.Time, lock bool) (resetTarget, error) {
	sql := `SELECT u.id, u.username, coalesce(u.partner_id, 0) FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND u.active`
	if lock {
		sql += ` FOR UPDATE OF r`
	}
	var u resetTarget
	err := q.QueryRow(ctx, sql, HashToken(token), now).Scan(&u.id, &u.username, &u.partnerID)
	if errors.Is(err, pgx.ErrNoRows) || token == "" {
		return u, ErrResetLinkInvalid
	}
	return u, err
}

// setPassword stores hash for u, uses up u's open links and lifts its lock.
func setPassword(ctx context.Context, q postgres.Querier, u resetTarget, hash string, now time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, u.id, hash); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, u.id, now); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `DELETE FROM login_locks WHERE username = $1`, u.username)
	return err
}
