package account

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Approval is what approving an application created.
type Approval struct {
	PartnerID int64
	Username  string
}

// ApproveSignup creates the partner account, its first management group
// (named after the company) and its Administrator, and emails the
// Administrator a single-use link to set a password — all in one
// transaction with the audit entry. It returns the actor's refusal
// (auth.ReviewPartners), ErrNotFound or ErrAlreadyReviewed.
func (s *Store) ApproveSignup(ctx context.Context, id int64, actor auth.Actor) (Approval, error) {
	if err := actor.Require(auth.ReviewPartners); err != nil {
		return Approval{}, err
	}
	var a Approval
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		sg, err := s.getSignup(ctx, q, id, true)
		if err != nil {
			return err
		}
		if sg.Status != SignupPending {
			return ErrAlreadyReviewed
		}
		now := s.Clock.Now()
		if err := q.QueryRow(ctx, `INSERT INTO partners (name, country, created_at) VALUES ($1, $2, $3) RETURNING id`,
			sg.CompanyName, sg.Country, now).Scan(&a.PartnerID); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `INSERT INTO management_groups (partner_id, name, created_at) VALUES ($1, $2, $3)`,
			a.PartnerID, sg.CompanyName, now); err != nil {
			return err
		}
		user := NewUser{Username: "", DisplayName: sg.FirstName + " " + sg.LastName, Email: sg.Email,
			Language: sg.Language, Roles: []auth.Role{auth.RoleAdmin}}
		if user.Username, err = freeUsername(ctx, q, sg.Email); err != nil {
			return err
		}
		a.Username = user.Username
		if _, err := s.createUser(ctx, q, a.PartnerID, user, sg.CompanyName); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE signups SET status = 'approved', reviewed_by = $2, reviewed_at = $3, partner_id = $4 WHERE id = $1`,
			id, actor.UserID(), now, a.PartnerID); err != nil {
			return err
		}
		e := actor.Entry().Of(now, audit.SignupApproved, "signup", id)
		e.Details = map[string]any{"partner_id": a.PartnerID, "company": sg.CompanyName, "administrator": a.Username}
		return audit.Record(ctx, q, e)
	})
	return a, err
}

// RejectSignup marks the application rejected and emails the applicant the
// reason. It returns the actor's refusal (auth.ReviewPartners), valid.Errors
// when the reason is missing, ErrNotFound or ErrAlreadyReviewed.
func (s *Store) RejectSignup(ctx context.Context, id int64, reason string, actor auth.Actor) error {
	if err := actor.Require(auth.ReviewPartners); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	e := valid.Errors{}
	e.Text("reason", reason, 2000)
	if len(e) > 0 {
		return e
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		sg, err := s.getSignup(ctx, q, id, true)
		if err != nil {
			return err
		}
		if sg.Status != SignupPending {
			return ErrAlreadyReviewed
		}
		now := s.Clock.Now()
		if _, err := q.Exec(ctx, `UPDATE signups SET status = 'rejected', reviewed_by = $2, reviewed_at = $3, reject_reason = $4 WHERE id = $1`,
			id, actor.UserID(), now, reason); err != nil {
			return err
		}
		l := s.I18n.Localizer(sg.Language)
		data := map[string]any{"Name": sg.FirstName + " " + sg.LastName, "Company": sg.CompanyName, "Reason": reason}
		if err := mail.Enqueue(ctx, q, now, mail.Translated(l, []string{sg.Email}, "mail.signup_rejected", data)); err != nil {
			return err
		}
		e := actor.Entry().Of(now, audit.SignupRejected, "signup", id)
		e.Details = map[string]any{"company": sg.CompanyName, "reason": reason}
		return audit.Record(ctx, q, e)
	})
}

var notUsername = regexp.MustCompile(`[^a-z0-9._-]+`)

// freeUsername derives an unused username from an email's local part.
func freeUsername(ctx context.Context, q postgres.Querier, email string) (string, error) {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	base := strings.Trim(notUsername.ReplaceAllString(local, "-"), "-._")
	if len(base) < 2 {
		base = "admin-" + base
	}
	if len(base) > 50 {
		base = base[:50]
	}
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		var taken bool
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)`, name).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return name, nil
		}
	}
}
