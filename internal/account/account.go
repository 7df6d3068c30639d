// Package account owns partners, their users and operator staff accounts:
// listing them, reading one, and the changes a user makes to their own
// account (language). Every partner-owned query takes the partner id.
package account

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/postgres"
)

// ErrNotFound means no such row in the caller's scope (another partner's
// row is "not found" too).
var ErrNotFound = fault.New(fault.NotFound, "account: not found", "")

// ErrUnsupportedLanguage is returned for a language the portal does not speak.
var ErrUnsupportedLanguage = fault.New(fault.Invalid, "account: unsupported language", "")

// User is a partner or operator user as listed on the users pages.
type User struct {
	ID          int64
	Username    string
	DisplayName string
	Email       string
	PartnerID   int64
	Roles       []auth.Role
	Language    string
	Active      bool
	CreatedAt   time.Time
}

// Partner is a reseller account.
type Partner struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	Users     int
}

// Store reads and changes accounts.
type Store struct {
	DB    postgres.DB
	Clock clock.Clock
	I18n  *i18n.Bundle
	Auth  *auth.Service // set-password links and sessions
}

// With returns the store bound to q (the caller's transaction), with every
// store it holds bound too.
func (s *Store) With(q postgres.Querier) *Store {
	return postgres.Rebind(s, q)
}

const userColumns = `id, username, display_name, email, coalesce(partner_id, 0), roles, language, active, created_at`

func scanUser(r pgx.CollectableRow) (User, error) {
	var u User
	err := r.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &u.PartnerID, &u.Roles, &u.Language, &u.Active, &u.CreatedAt)
	return u, err
}

// PartnerUsers lists the users of partnerID.
func (s *Store) PartnerUsers(ctx context.Context, partnerID int64) ([]User, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+userColumns+` FROM users WHERE partner_id = $1 ORDER BY username`, partnerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUser)
}

// PartnerUser returns user id of partnerID, or ErrNotFound.
func (s *Store) PartnerUser(ctx context.Context, partnerID, id int64) (User, error) {
	return s.partnerUser(ctx, s.DB, partnerID, id)
}

func (s *Store) partnerUser(ctx context.Context, q postgres.Querier, partnerID, id int64) (User, error) {
	rows, err := q.Query(ctx, `SELECT `+userColumns+` FROM users WHERE partner_id = $1 AND id = $2`, partnerID, id)
	if err != nil {
		return User{}, err
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrNotFound
	}
	return u, err
}

// OperatorStaff lists operator users.
func (s *Store) OperatorStaff(ctx context.Context) ([]User, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+userColumns+` FROM users WHERE partner_id IS NULL ORDER BY username`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUser)
}

// Partners lists every partner with its number of users.
func (s *Store) Partners(ctx context.Context) ([]Partner, error) {
	rows, err := s.DB.Query(ctx, `
		SELECT p.id, p.name, p.created_at, count(u.id)::int
		FROM partners p LEFT JOIN users u ON u.partner_id = p.id
		GROUP BY p.id ORDER BY p.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Partner, error) {
		var p Partner
		err := r.Scan(&p.ID, &p.Name, &p.CreatedAt, &p.Users)
		return p, err
	})
}

// SetLanguage changes the signed-in user's language and audits it. It
// returns ErrUnsupportedLanguage for anything but the portal's languages.
func (s *Store) SetLanguage(ctx context.Context, p *auth.Principal, lang string, ip netip.Addr) error {
	if !i18n.Supported(lang) {
		return ErrUnsupportedLanguage
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if _, err := q.Exec(ctx, `UPDATE users SET language = $2 WHERE id = $1`, p.UserID, lang); err != nil {
			return err
		}
		e := p.OwnEntry(s.Clock.Now(), ip)
		e.Action, e.ObjectType, e.ObjectID = audit.LanguageChanged, "user", fmt.Sprint(p.UserID)
		e.Details = map[string]any{"from": p.Language, "to": lang}
		return audit.Record(ctx, q, e)
	})
}

// Partner returns partner id, or ErrNotFound.
func (s *Store) Partner(ctx context.Context, id int64) (Partner, error) {
	var p Partner
	err := s.DB.QueryRow(ctx, `
		SELECT p.id, p.name, p.created_at, (SELECT count(*)::int FROM users u WHERE u.partner_id = p.id)
		FROM partners p WHERE p.id = $1`, id).Scan(&p.ID, &p.Name, &p.CreatedAt, &p.Users)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// Audit returns the audit entries f selects; f.PartnerID scopes them.
func (s *Store) Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	return audit.List(ctx, s.DB, f)
}

// AuditChoices returns the actions and the actor usernames that occur in
// partnerID's audit log, for the filter.
func (s *Store) AuditChoices(ctx context.Context, partnerID int64) (actions, actors []string, err error) {
	if actions, err = audit.Actions(ctx, s.DB, partnerID); err != nil {
		return nil, nil, err
	}
	actors, err = audit.Actors(ctx, s.DB, partnerID)
	return actions, actors, err
}

// AuditEntry returns entry id of partnerID's audit log, or ErrNotFound.
func (s *Store) AuditEntry(ctx context.Context, partnerID, id int64) (audit.Entry, error) {
	e, err := audit.Get(ctx, s.DB, partnerID, id)
	if errors.Is(err, audit.ErrNotFound) {
		return e, ErrNotFound
	}
	return e, err
}

// PartnerLanguage is the language to write to a partner's shared addresses
// in: its first active Administrator's (Japanese if there is none).
func (s *Store) PartnerLanguage(ctx context.Context, q postgres.Querier, partnerID int64) (string, error) {
	var lang string
	err := q.QueryRow(ctx, `SELECT coalesce((SELECT language FROM users WHERE partner_id = $1 AND 'admin' = ANY (roles) AND active
		ORDER BY id LIMIT 1), 'ja')`, partnerID).Scan(&lang)
	return lang, err
}
