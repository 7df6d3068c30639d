package account

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Refusals of user changes.
var (
	ErrOwnAccount = fault.New(fault.Conflict, "account: you cannot deactivate yourself or remove your own Administrator role", "")
	ErrLastAdmin  = fault.New(fault.Conflict, "account: an account keeps at least one active Administrator", "")
)

// NewUser is a user an Administrator adds.
type NewUser struct {
	Username    string
	DisplayName string
	Email       string
	Language    string
	Roles       []auth.Role
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)

// Validate returns the problems of each field.
func (u NewUser) Validate() valid.Errors {
	e := valid.Errors{}
	if !usernameRE.MatchString(u.Username) {
		e.Add("username", "users.username_format")
	}
	e.Text("display_name", u.DisplayName, 100)
	e.Email("email", u.Email)
	if !i18n.Supported(u.Language) {
		e.Add("language", "form.choose")
	}
	validRoles(e, u.Roles)
	return e
}

func validRoles(e valid.Errors, roles []auth.Role) {
	if len(roles) == 0 {
		e.Add("roles", "users.role_required")
	}
	for _, r := range roles {
		if !slices.Contains(auth.PartnerRoles, r) {
			e.Add("roles", "form.choose")
		}
	}
}

// AddUser creates a user of partnerID without a password and emails them a
// link to set one. It returns the actor's refusal (auth.ManageAccount for
// partnerID) or valid.Errors (also for a username in use).
func (s *Store) AddUser(ctx context.Context, partnerID int64, u NewUser, actor auth.Actor) (int64, error) {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return 0, err
	}
	u.Username = auth.NormalizeUsername(u.Username)
	u.Email, u.DisplayName = strings.TrimSpace(u.Email), strings.TrimSpace(u.DisplayName)
	if e := u.Validate(); len(e) > 0 {
		return 0, e
	}
	var id int64
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var partner string
		if err := q.QueryRow(ctx, `SELECT name FROM partners WHERE id = $1`, partnerID).Scan(&partner); err != nil {
			return err
		}
		var err error
		if id, err = s.createUser(ctx, q, partnerID, u, partner); err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(s.Clock.Now(), audit.UserCreated, "user", id)
		e.Details = map[string]any{"username": u.Username, "roles": u.Roles, "email": u.Email}
		return audit.Record(ctx, q, e)
	})
	if postgres.IsUniqueViolation(err, "users_username") {
		return 0, valid.Errors{"username": {ID: "users.username_taken"}}
	}
	return id, err
}

// createUser inserts u and emails the set-password link in u's language.
func (s *Store) createUser(ctx context.Context, q postgres.Querier, partnerID int64, u NewUser, partner string) (int64, error) {
	now := s.Clock.Now()
	var id int64
	err := q.QueryRow(ctx, `
		INSERT INTO users (username, email, display_name, language, partner_id, roles, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		u.Username, u.Email, u.DisplayName, u.Language, partnerID, u.Roles, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	link, err := s.Auth.CreatePasswordLink(ctx, q, id, now, auth.InviteLinkLifetime)
	if err != nil {
		return 0, err
	}
	l := s.I18n.Localizer(u.Language)
	data := map[string]any{"Name": u.DisplayName, "Username": u.Username, "Partner": partner, "Link": link,
		"Hours": int(auth.InviteLinkLifetime.Hours())}
	return id, mail.Enqueue(ctx, q, now, mail.Translated(l, []string{u.Email}, "mail.invite", data))
}

// SetRoles changes the roles of user id of partnerID. An Administrator
// cannot remove their own Administrator role, and the last active
// Administrator keeps it. It needs auth.ManageAccount for partnerID.
func (s *Store) SetRoles(ctx context.Context, partnerID, id int64, roles []auth.Role, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return err
	}
	e := valid.Errors{}
	validRoles(e, roles)
	if len(e) > 0 {
		return e
	}
	if id == actor.UserID() && !slices.Contains(roles, auth.RoleAdmin) {
		return ErrOwnAccount
	}
	return s.changeUser(ctx, partnerID, id, actor, audit.UserRolesChanged, func(q postgres.Querier, before User) (map[string]any, error) {
		_, err := q.Exec(ctx, `UPDATE users SET roles = $2 WHERE id = $1`, id, roles)
		return map[string]any{"from": before.Roles, "to": roles}, err
	})
}

// SetActive deactivates (ending the user's sessions at once) or reactivates
// user id of partnerID. It needs auth.ManageAccount for partnerID.
func (s *Store) SetActive(ctx context.Context, partnerID, id int64, active bool, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return err
	}
	if id == actor.UserID() && !active {
		return ErrOwnAccount
	}
	action := audit.UserReactivated
	if !active {
		action = audit.UserDeactivated
	}
	return s.changeUser(ctx, partnerID, id, actor, action, func(q postgres.Querier, _ User) (map[string]any, error) {
		if _, err := q.Exec(ctx, `UPDATE users SET active = $2 WHERE id = $1`, id, active); err != nil {
			return nil, err
		}
		if active {
			return nil, nil
		}
		return nil, s.Auth.Sessions.DeleteForUser(ctx, q, id)
	})
}

// changeUser locks the partner's users, applies change to user id, checks
// that an active Administrator remains, and audits the change with the
// details change returns.
func (s *Store) changeUser(ctx context.Context, partnerID, id int64, actor auth.Actor, action audit.Action,
	change func(q postgres.Querier, before User) (map[string]any, error)) error {
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if _, err := q.Exec(ctx, `SELECT id FROM users WHERE partner_id = $1 FOR UPDATE`, partnerID); err != nil {
			return err
		}
		before, err := s.partnerUser(ctx, q, partnerID, id)
		if err != nil {
			return err
		}
		details, err := change(q, before)
		if err != nil {
			return err
		}
		var admins int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM users WHERE partner_id = $1 AND active AND 'admin' = ANY (roles)`, partnerID).Scan(&admins); err != nil {
			return err
		}
		if admins == 0 {
			return ErrLastAdmin
		}
		e := actor.Entry().In(partnerID).Of(s.Clock.Now(), action, "user", id)
		if details == nil {
			details = map[string]any{}
		}
		details["username"] = before.Username
		e.Details = details
		return audit.Record(ctx, q, e)
	})
}
