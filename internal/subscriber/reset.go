package subscriber

import (
	"context"
	"errors"
	"net/netip"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Password resets: the staff's rules (auth.ResetLinkLifetime,
// auth.MaxResetMailsPerHour) for the subscribers' own table.
const (
	// ResetLinkLifetime is how long an emailed password-reset link works.
	ResetLinkLifetime = auth.ResetLinkLifetime
	// MaxResetsPerHour caps the reset requests from one client address,
	// whatever address they type, counted in the audit log
	// (audit.UnderLimit) under audit.SubscriberResetAsk.
	MaxResetsPerHour = auth.MaxResetMailsPerHour
	// resetResendGap stops a flood of reset mails to one subscriber.
	resetResendGap = time.Minute
)

// Refusals of the password reset.
var (
	ErrTooManyResets = fault.New(fault.TooMany, "subscriber: too many password resets from this address", "subscriber.reset_too_many")
	// ErrResetLinkInvalid means the link is unknown, used or expired (or
	// its subscriber deactivated).
	ErrResetLinkInvalid = fault.New(fault.NotFound, "subscriber: password reset link unknown, used or expired", "subscriber.reset_invalid")
)

// newPasswordProblems checks a new password and its confirmation with the
// sign-up's rules and messages.
func newPasswordProblems(e valid.Errors, password, confirm string) {
	switch err := auth.CheckPasswordPolicy(password); {
	case err != nil:
		e.Add("password", "subscriber.password_length", map[string]any{"Min": auth.MinPasswordLen, "Max": auth.MaxPasswordLen})
	case confirm != password:
		e.Add("confirm", "subscriber.password_mismatch")
	}
}

// RequestReset emails a single-use link that sets a new password to the
// active subscriber with email, in their language, and keeps next (a local
// page the caller has checked) to return to. The answer never tells whether
// such a subscriber exists: an unknown address sends nothing and returns
// nil like a known one. Every accepted request counts towards
// MaxResetsPerHour for the client address ip, past which it returns
// ErrTooManyResets and sends nothing; a subscriber who got a link less than
// a minute ago gets no second one. It returns valid.Errors for an address
// that is not one.
func (s *Service) RequestReset(ctx context.Context, email, next string, ip netip.Addr) error {
	email = NormalizeEmail(email)
	e := valid.Errors{}
	e.Email("email", email)
	if err := e.Err(); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		if ok, err := audit.UnderLimit(ctx, q, audit.SubscriberResetAsk, ip, now, time.Hour, MaxResetsPerHour); err != nil {
			return err
		} else if !ok {
			return ErrTooManyResets
		}
		var id int64
		var name, lang string
		err := q.QueryRow(ctx, `SELECT id, display_name, language FROM subscribers WHERE lower(email) = $1 AND active`, email).
			Scan(&id, &name, &lang)
		if errors.Is(err, pgx.ErrNoRows) {
			a := entry(now, audit.SubscriberResetAsk, 0, email, ip)
			a.ObjectID, a.Details = "", map[string]any{"no_account": true}
			return audit.Record(ctx, q, a)
		} else if err != nil {
			return err
		}
		a := entry(now, audit.SubscriberResetAsk, id, email, ip)
		var recent bool
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM subscriber_password_resets WHERE subscriber_id = $1 AND created_at > $2)`,
			id, now.Add(-resetResendGap)).Scan(&recent); err != nil {
			return err
		}
		if recent {
			a.Details = map[string]any{"resend_skipped": true}
			return audit.Record(ctx, q, a)
		}
		token, tokenHash, err := auth.NewToken()
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `
			INSERT INTO subscriber_password_resets (token_hash, subscriber_id, next_path, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, tokenHash, id, next, now, now.Add(ResetLinkLifetime)); err != nil {
			return err
		}
		l := s.I18n.Localizer(lang)
		data := map[string]any{"Name": name, "Link": s.BaseURL + "/secure/password/reset?token=" + url.QueryEscape(token),
			"Minutes": int(ResetLinkLifetime.Minutes())}
		if err := mail.Enqueue(ctx, q, now, mail.Translated(l, []string{email}, "mail.subscriber_reset", data)); err != nil {
			return err
		}
		return audit.Record(ctx, q, a)
	})
}

// CheckResetToken returns ErrResetLinkInvalid unless token can still set a
// password.
func (s *Service) CheckResetToken(ctx context.Context, token string) error {
	_, err := resetLink(ctx, s.DB, token, s.Clock.Now())
	return err
}

// ResetPassword sets the password of the link's subscriber, in one
// transaction: it uses up every open reset link of theirs, ends every
// session of theirs, lifts their sign-in lock, and verifies an unverified
// address (opening the link proved the mailbox). It returns the local page
// kept with the link ("" for none), or valid.Errors (the sign-up's password
// rules, "password" and "confirm") or ErrResetLinkInvalid, having changed
// nothing.
func (s *Service) ResetPassword(ctx context.Context, token, password, confirm string, ip netip.Addr) (next string, err error) {
	e := valid.Errors{}
	newPasswordProblems(e, password, confirm)
	if err := e.Err(); err != nil {
		return "", err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	err = postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		link, err := lockResetLink(ctx, q, token, now)
		if err != nil {
			return err
		}
		next = link.next
		if _, err := q.Exec(ctx, `UPDATE subscribers SET password_hash = $2, verified_at = coalesce(verified_at, $3) WHERE id = $1`,
			link.id, hash, now); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE subscriber_password_resets SET used_at = $2 WHERE subscriber_id = $1 AND used_at IS NULL`,
			link.id, now); err != nil {
			return err
		}
		if !link.verified {
			if _, err := q.Exec(ctx, `UPDATE subscriber_verifications SET used_at = $2 WHERE subscriber_id = $1 AND used_at IS NULL`,
				link.id, now); err != nil {
				return err
			}
			v := entry(now, audit.SubscriberVerified, link.id, link.email, ip)
			v.Details = map[string]any{"by": "password_reset"}
			if err := audit.Record(ctx, q, v); err != nil {
				return err
			}
		}
		tag, err := q.Exec(ctx, `DELETE FROM subscriber_sessions WHERE subscriber_id = $1`, link.id)
		if err != nil {
			return err
		}
		key := throttleKey(link.email)
		if _, err := q.Exec(ctx, `DELETE FROM login_locks WHERE username = $1`, key); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM login_failures WHERE username = $1`, key); err != nil {
			return err
		}
		a := entry(now, audit.SubscriberPasswordReset, link.id, link.email, ip)
		a.Details = map[string]any{"sessions_ended": tag.RowsAffected()}
		return audit.Record(ctx, q, a)
	})
	return next, err
}

type resetTarget struct {
	id       int64
	email    string
	next     string
	verified bool
}

// lockResetLink finds the open link with token and locks its subscriber's
// row for the transaction. The link is read again under the lock, so that
// of two resets of one subscriber at once the second sees the links the
// first used up (each link works once, and the two never deadlock on each
// other's links).
func lockResetLink(ctx context.Context, q postgres.Querier, token string, now time.Time) (resetTarget, error) {
	t, err := resetLink(ctx, q, token, now)
	if err != nil {
		return t, err
	}
	if _, err := q.Exec(ctx, `SELECT 1 FROM subscribers WHERE id = $1 FOR UPDATE`, t.id); err != nil {
		return t, err
	}
	return resetLink(ctx, q, token, now)
}

// resetLink finds the open link with token.
func resetLink(ctx context.Context, q postgres.Querier, token string, now time.Time) (resetTarget, error) {
	var t resetTarget
	if token == "" {
		return t, ErrResetLinkInvalid
	}
	err := q.QueryRow(ctx, `
		SELECT s.id, s.email, r.next_path, s.verified_at IS NOT NULL
		FROM subscriber_password_resets r JOIN subscribers s ON s.id = r.subscriber_id
		WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND s.active`,
		auth.HashToken(token), now).Scan(&t.id, &t.email, &t.next, &t.verified)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, ErrResetLinkInvalid
	}
	return t, err
}
