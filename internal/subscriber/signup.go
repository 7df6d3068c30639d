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
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// SignUp is what the sign-up form asks. Next is the local page to return
// to after verification (the caller has checked that it is local).
type SignUp struct {
	Name     string
	Email    string
	Password string
	Confirm  string
	Language string
	Next     string
}

func (in SignUp) validate() error {
	e := valid.Errors{}
	e.Text("name", in.Name, MaxNameLen)
	e.Email("email", in.Email)
	newPasswordProblems(e, in.Password, in.Confirm)
	if !i18n.Supported(in.Language) {
		e.Add("language", "form.required")
	}
	return e.Err()
}

// SignUp creates an unverified subscriber and emails the verification link,
// in one transaction. For an address that already has an account it sends
// that address a note instead (the page says the same either way, so the
// form does not tell strangers who has an account). It returns
// valid.Errors or ErrTooManySignUps.
func (s *Service) SignUp(ctx context.Context, in SignUp, ip netip.Addr) error {
	in.Email = NormalizeEmail(in.Email)
	if err := in.validate(); err != nil {
		return err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		if ok, err := audit.UnderLimit(ctx, q, audit.SubscriberSignedUp, ip, now, time.Hour, MaxSignUpsPerHour); err != nil {
			return err
		} else if !ok {
			return ErrTooManySignUps
		}
		var id int64
		var lang string
		err := q.QueryRow(ctx, `SELECT id, language FROM subscribers WHERE lower(email) = $1`, in.Email).Scan(&id, &lang)
		switch {
		case err == nil:
			l := s.I18n.Localizer(lang)
			data := map[string]any{"Link": s.BaseURL + "/secure/login"}
			if err := mail.Enqueue(ctx, q, now, mail.Translated(l, []string{in.Email}, "mail.subscriber_exists", data)); err != nil {
				return err
			}
			e := entry(now, audit.SubscriberSignedUp, id, in.Email, ip)
			e.Details = map[string]any{"already_registered": true}
			return audit.Record(ctx, q, e)
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if err := q.QueryRow(ctx, `
			INSERT INTO subscribers (email, display_name, password_hash, language, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, in.Email, in.Name, hash, in.Language, now).Scan(&id); err != nil {
			return err
		}
		token, tokenHash, err := auth.NewToken()
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `
			INSERT INTO subscriber_verifications (token_hash, subscriber_id, next_path, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, tokenHash, id, in.Next, now, now.Add(VerifyLinkLifetime)); err != nil {
			return err
		}
		l := s.I18n.Localizer(in.Language)
		data := map[string]any{"Name": in.Name, "Link": s.BaseURL + "/secure/verify?token=" + url.QueryEscape(token),
			"Hours": int(VerifyLinkLifetime.Hours())}
		if err := mail.Enqueue(ctx, q, now, mail.Translated(l, []string{in.Email}, "mail.subscriber_verify", data)); err != nil {
			return err
		}
		return audit.Record(ctx, q, entry(now, audit.SubscriberSignedUp, id, in.Email, ip))
	})
}

// CheckVerifyToken returns ErrLinkInvalid unless token can still verify an address.
func (s *Service) CheckVerifyToken(ctx context.Context, token string) error {
	_, _, _, err := verification(ctx, s.DB, token, s.Clock.Now(), false)
	return err
}

// Verify marks the link's subscriber verified and uses up their open links.
// It returns the local page to go back to ("" for none), or ErrLinkInvalid.
func (s *Service) Verify(ctx context.Context, token string, ip netip.Addr) (next string, err error) {
	err = postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		id, email, n, err := verification(ctx, q, token, now, true)
		if err != nil {
			return err
		}
		next = n
		if _, err := q.Exec(ctx, `UPDATE subscribers SET verified_at = coalesce(verified_at, $2) WHERE id = $1`, id, now); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE subscriber_verifications SET used_at = $2 WHERE subscriber_id = $1 AND used_at IS NULL`, id, now); err != nil {
			return err
		}
		return audit.Record(ctx, q, entry(now, audit.SubscriberVerified, id, email, ip))
	})
	return next, err
}

func verification(ctx context.Context, q postgres.Querier, token string, now time.Time, lock bool) (id int64, email, next string, err error) {
	if token == "" {
		return 0, "", "", ErrLinkInvalid
	}
	sql := `SELECT s.id, s.email, v.next_path FROM subscriber_verifications v JOIN subscribers s ON s.id = v.subscriber_id
		WHERE v.token_hash = $1 AND v.used_at IS NULL AND v.expires_at > $2 AND s.active`
	if lock {
		sql += ` FOR UPDATE OF v`
	}
	err = q.QueryRow(ctx, sql, auth.HashToken(token), now).Scan(&id, &email, &next)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", "", ErrLinkInvalid
	}
	return id, email, next, err
}
