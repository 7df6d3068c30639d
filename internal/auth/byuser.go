package auth

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/postgres"
)

// ErrNoUser is returned by PrincipalOf for an unknown or deactivated user.
var ErrNoUser = errors.New("auth: no such active user")

// PrincipalOf returns the principal of active user userID as a session of
// theirs would see it (without a delivery session: a user acting through
// an API key acts in their own partner's account only), or ErrNoUser.
func PrincipalOf(ctx context.Context, q postgres.Querier, userID int64) (*Principal, error) {
	var p Principal
	err := q.QueryRow(ctx, `
		SELECT u.id, u.username, u.display_name, u.email, coalesce(u.partner_id, 0),
		       coalesce(pt.name, ''), u.roles, u.language
		FROM users u LEFT JOIN partners pt ON pt.id = u.partner_id
		WHERE u.id = $1 AND u.active`, userID).
		Scan(&p.UserID, &p.Username, &p.DisplayName, &p.Email, &p.PartnerID, &p.PartnerName, &p.Roles, &p.Language)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoUser
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}
