package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// ErrLastGroup means a partner keeps at least one active management group.
var ErrLastGroup = fault.New(fault.Conflict, "account: an account keeps at least one active management group", "")

// Group is a management group; its name is the invoice addressee (S-3).
type Group struct {
	ID        int64
	Name      string
	Active    bool
	CreatedAt time.Time
}

// Groups lists partnerID's management groups, active first.
func (s *Store) Groups(ctx context.Context, partnerID int64) ([]Group, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, name, active, created_at FROM management_groups
		WHERE partner_id = $1 ORDER BY NOT active, id`, partnerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Group, error) {
		var g Group
		err := r.Scan(&g.ID, &g.Name, &g.Active, &g.CreatedAt)
		return g, err
	})
}

func groupName(name string) (string, valid.Errors) {
	name = strings.TrimSpace(name)
	e := valid.Errors{}
	e.Text("name", name, 200)
	return name, e
}

// CreateGroup adds a group to partnerID. It returns the actor's refusal
// (auth.ManageAccount for partnerID), or valid.Errors for a blank, too long
// or duplicate name.
func (s *Store) CreateGroup(ctx context.Context, partnerID int64, name string, actor auth.Actor) (int64, error) {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return 0, err
	}
	name, e := groupName(name)
	if len(e) > 0 {
		return 0, e
	}
	var id int64
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		if err := q.QueryRow(ctx, `INSERT INTO management_groups (partner_id, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
			partnerID, name, now).Scan(&id); err != nil {
			return err
		}
		return s.auditGroup(ctx, q, actor, partnerID, id, audit.GroupCreated, map[string]any{"name": name})
	})
	return id, groupErr(err)
}

// RenameGroup renames group id of partnerID (auth.ManageAccount).
func (s *Store) RenameGroup(ctx context.Context, partnerID, id int64, name string, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return err
	}
	name, e := groupName(name)
	if len(e) > 0 {
		return e
	}
	return groupErr(s.changeGroup(ctx, partnerID, id, actor, audit.GroupRenamed, func(q postgres.Querier, old Group) (map[string]any, error) {
		_, err := q.Exec(ctx, `UPDATE management_groups SET name = $2 WHERE id = $1`, id, name)
		return map[string]any{"from": old.Name, "to": name}, err
	}))
}

// SetGroupActive deactivates or reactivates group id of partnerID; the last
// active group cannot be deactivated (auth.ManageAccount).
func (s *Store) SetGroupActive(ctx context.Context, partnerID, id int64, active bool, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return err
	}
	action := map[bool]audit.Action{true: audit.GroupReactivated, false: audit.GroupDeactivated}[active]
	return s.changeGroup(ctx, partnerID, id, actor, action, func(q postgres.Querier, old Group) (map[string]any, error) {
		if _, err := q.Exec(ctx, `UPDATE management_groups SET active = $2 WHERE id = $1`, id, active); err != nil {
			return nil, err
		}
		var n int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM management_groups WHERE partner_id = $1 AND active`, partnerID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, ErrLastGroup
		}
		return map[string]any{"name": old.Name}, nil
	})
}

func (s *Store) changeGroup(ctx context.Context, partnerID, id int64, actor auth.Actor, action audit.Action,
	change func(q postgres.Querier, old Group) (map[string]any, error)) error {
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var g Group
		err := q.QueryRow(ctx, `SELECT id, name, active, created_at FROM management_groups WHERE partner_id = $1 AND id = $2 FOR UPDATE`,
			partnerID, id).Scan(&g.ID, &g.Name, &g.Active, &g.CreatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		details, err := change(q, g)
		if err != nil {
			return err
		}
		return s.auditGroup(ctx, q, actor, partnerID, id, action, details)
	})
}

func (s *Store) auditGroup(ctx context.Context, q postgres.Querier, actor auth.Actor, partnerID, id int64, action audit.Action, details map[string]any) error {
	e := actor.Entry().In(partnerID).Of(s.Clock.Now(), action, "management_group", id)
	e.Details = details
	return audit.Record(ctx, q, e)
}

func groupErr(err error) error {
	if postgres.IsUniqueViolation(err, "management_groups_partner_id_name_key") {
		return valid.Errors{"name": {ID: "groups.name_taken"}}
	}
	return err
}
