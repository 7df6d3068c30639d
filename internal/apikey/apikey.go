// Package apikey owns the keys of the Services API (X-DC-DEVKEY): an
// Administrator creates one for a user of the account (shown once, stored
// as a hash), lists and revokes them; a request presenting a key is
// authenticated as the key's user, throttled like sign-ins when the key is
// wrong and rate-limited per key when it is right.
package apikey

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Limits.
const (
	MaxNameLen       = 100
	DefaultPerMinute = 600 // requests a key may make per minute
	tokenPrefix      = "ccp_"
	shownPrefixLen   = len(tokenPrefix) + 8
)

// Refusals.
var (
	ErrNotFound = fault.New(fault.NotFound, "apikey: no such key", "")
	// ErrRevoked: the key is already revoked.
	ErrRevoked = fault.New(fault.Conflict, "apikey: already revoked", "apikey.already_revoked")
)

// Key is an API key as listed (never the key itself).
type Key struct {
	ID         int64
	PartnerID  int64
	UserID     int64
	Username   string
	UserActive bool
	Name       string
	Prefix     string
	ReadOnly   bool
	ExpiresAt  *time.Time
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Usable reports whether the key authenticates at now.
func (k Key) Usable(now time.Time) bool {
	return k.RevokedAt == nil && k.UserActive && (k.ExpiresAt == nil || k.ExpiresAt.After(now))
}

// Input is a new key as typed.
type Input struct {
	UserID    int64
	Name      string
	ReadOnly  bool
	ExpiresOn time.Time // zero: never; else the key works through this day (Japan time)
}

// Service creates, lists, revokes and authenticates keys.
type Service struct {
	DB        postgres.DB
	Clock     clock.Clock
	PerMinute int // 0: DefaultPerMinute
}

// With returns the service bound to q.
func (s *Service) With(q postgres.Querier) *Service { return postgres.Rebind(s, q) }

// Create makes a key for in.UserID, a user of partnerID, and returns the
// key (shown once) with its listing. Refusals: the actor's
// (auth.ManageAccount for partnerID), valid.Errors.
func (s *Service) Create(ctx context.Context, partnerID int64, in Input, actor auth.Actor) (string, Key, error) {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return "", Key{}, err
	}
	now := s.Clock.Now()
	in.Name = strings.TrimSpace(in.Name)
	e := valid.Errors{}
	e.Text("name", in.Name, MaxNameLen)
	if !in.ExpiresOn.IsZero() && !in.ExpiresOn.After(clock.Date(now).AddDate(0, 0, -1)) {
		e.Add("expires_on", "apikey.expiry_past")
	}
	if in.UserID == 0 {
		e.Add("user_id", "form.choose")
	}
	if err := e.Err(); err != nil {
		return "", Key{}, err
	}
	token, hash, err := newToken()
	if err != nil {
		return "", Key{}, err
	}
	var k Key
	err = postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var ok bool
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND partner_id = $2 AND active)`,
			in.UserID, partnerID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return valid.Errors{"user_id": {ID: "form.choose"}}
		}
		var expires *time.Time
		if !in.ExpiresOn.IsZero() {
			t := clock.Date(in.ExpiresOn).AddDate(0, 0, 1) // the end of the day in Japan
			expires = &t
		}
		if err := q.QueryRow(ctx, `
			INSERT INTO api_keys (partner_id, user_id, name, prefix, key_hash, read_only, expires_at, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			partnerID, in.UserID, in.Name, token[:shownPrefixLen], hash, in.ReadOnly, expires, now, actor.UserID()).Scan(&k.ID); err != nil {
			return err
		}
		entry := actor.Entry().In(partnerID).Of(now, audit.APIKeyCreated, "api_key", k.ID)
		entry.Details = map[string]any{"name": in.Name, "user_id": in.UserID, "read_only": in.ReadOnly, "prefix": token[:shownPrefixLen]}
		return audit.Record(ctx, q, entry)
	})
	if err != nil {
		return "", Key{}, err
	}
	k, err = s.Key(ctx, partnerID, k.ID)
	return token, k, err
}

const keyColumns = `k.id, k.partner_id, k.user_id, u.username, u.active, k.name, k.prefix, k.read_only, k.expires_at,
	k.created_at, k.last_used_at, k.revoked_at`

func scanKey(r pgx.CollectableRow) (Key, error) {
	var k Key
	err := r.Scan(&k.ID, &k.PartnerID, &k.UserID, &k.Username, &k.UserActive, &k.Name, &k.Prefix, &k.ReadOnly, &k.ExpiresAt,
		&k.CreatedAt, &k.LastUsedAt, &k.RevokedAt)
	return k, err
}

// List returns partnerID's keys, newest first.
func (s *Service) List(ctx context.Context, partnerID int64) ([]Key, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+keyColumns+` FROM api_keys k JOIN users u ON u.id = k.user_id
		WHERE k.partner_id = $1 ORDER BY k.id DESC`, partnerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanKey)
}

// Key returns key id of partnerID, or ErrNotFound.
func (s *Service) Key(ctx context.Context, partnerID, id int64) (Key, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+keyColumns+` FROM api_keys k JOIN users u ON u.id = k.user_id
		WHERE k.partner_id = $1 AND k.id = $2`, partnerID, id)
	if err != nil {
		return Key{}, err
	}
	k, err := pgx.CollectExactlyOneRow(rows, scanKey)
	if errors.Is(err, pgx.ErrNoRows) {
		return k, ErrNotFound
	}
	return k, err
}

// Revoke stops key id of partnerID at once. Refusals: the actor's
// (auth.ManageAccount for partnerID), ErrNotFound, ErrRevoked.
func (s *Service) Revoke(ctx context.Context, partnerID, id int64, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var name string
		var revoked *time.Time
		err := q.QueryRow(ctx, `SELECT name, revoked_at FROM api_keys WHERE partner_id = $1 AND id = $2 FOR UPDATE`, partnerID, id).
			Scan(&name, &revoked)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return ErrNotFound
		case err != nil:
			return err
		case revoked != nil:
			return ErrRevoked
		}
		now := s.Clock.Now()
		if _, err := q.Exec(ctx, `UPDATE api_keys SET revoked_at = $2 WHERE id = $1`, id, now); err != nil {
			return err
		}
		entry := actor.Entry().In(partnerID).Of(now, audit.APIKeyRevoked, "api_key", id)
		entry.Details = map[string]any{"name": name}
		return audit.Record(ctx, q, entry)
	})
}

// newToken returns a new key ("ccp_" and 52 base32 characters: 256 random
// bits) and its SHA-256.
func newToken() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token := tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return token, auth.HashToken(token), nil
}

// Label is how the audit log names a user acting through a key.
func Label(username, keyName string) string { return fmt.Sprintf("%s (API: %s)", username, keyName) }
