package account

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/jp"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// JobFunctions offered on the sign-up form.
var JobFunctions = []string{"executive", "it", "security", "sales", "purchasing", "finance", "other"}

// Signup states.
const (
	SignupPending  = "pending"
	SignupApproved = "approved"
	SignupRejected = "rejected"
)

// ErrAlreadyReviewed means the application was approved or rejected before.
var ErrAlreadyReviewed = fault.New(fault.Conflict, "account: the application has already been reviewed", "signups.already_reviewed")

// Signup is an application from the public sign-up form (O-1).
type Signup struct {
	ID            int64
	CreatedAt     time.Time
	Language      string
	FirstName     string
	LastName      string
	JobTitle      string
	Email         string
	Phone         string
	JobFunction   string
	TrainingOptIn bool
	CompanyName   string
	Country       string
	State         string
	City          string
	Street        string
	PostalCode    string
	Status        string
	RejectReason  string
	ReviewedBy    string
	PartnerID     int64
}

// Normalize tidies typed input.
func (s *Signup) Normalize() {
	for _, f := range []*string{&s.FirstName, &s.LastName, &s.JobTitle, &s.Email, &s.Phone, &s.CompanyName,
		&s.State, &s.City, &s.Street} {
		*f = strings.TrimSpace(*f)
	}
	s.Country = strings.ToUpper(strings.TrimSpace(s.Country))
	if s.Country == "JP" {
		s.PostalCode = jp.NormalizePostalCode(s.PostalCode)
	} else {
		s.PostalCode = strings.TrimSpace(s.PostalCode)
	}
}

// Validate returns the problems of each field.
func (s Signup) Validate() valid.Errors {
	e := valid.Errors{}
	latinName(e, "first_name", s.FirstName)
	latinName(e, "last_name", s.LastName)
	e.Text("job_title", s.JobTitle, 100)
	e.Email("email", s.Email)
	phone(e, "phone", s.Phone)
	if !slices.Contains(JobFunctions, s.JobFunction) {
		e.Add("job_function", "form.choose")
	}
	latinName(e, "company_name", s.CompanyName)
	address(e, Address{Country: s.Country, State: s.State, PostalCode: s.PostalCode})
	e.Text("city", s.City, 100)
	e.Text("street", s.Street, 200)
	return e
}

// latinName checks a required name that the form asks for in English.
func latinName(e valid.Errors, field, v string) {
	e.Text(field, v, 100)
	for _, r := range v {
		if r > 0x24F { // beyond Latin Extended-B
			e.Add(field, "signup.english_only")
			return
		}
	}
}

func phone(e valid.Errors, field, v string) {
	if !e.Required(field, v) {
		return
	}
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() ", r):
		default:
			e.Add(field, "form.phone")
			return
		}
	}
	if digits < 6 || digits > 15 {
		e.Add(field, "form.phone")
	}
}

// MaxSignupsPerHour limits applications from one client address, since
// each one emails the address typed in.
const MaxSignupsPerHour = 5

// ErrTooManySignups means the client address has applied too often.
var ErrTooManySignups = fault.New(fault.TooMany, "account: too many applications from this address", "")

// SubmitSignup stores a pending application, emails the applicant a
// confirmation in their language and audits it. Anyone may apply: actor is
// nobody signed in, whose client address the limit counts. It returns
// valid.Errors for refused input or ErrTooManySignups, writing nothing.
func (s *Store) SubmitSignup(ctx context.Context, in Signup, actor auth.Actor) (int64, error) {
	in.Normalize()
	if e := in.Validate(); len(e) > 0 {
		return 0, e
	}
	now := s.Clock.Now()
	var id int64
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if ok, err := audit.UnderLimit(ctx, q, audit.SignupSubmitted, actor.IP, now, time.Hour, MaxSignupsPerHour); err != nil {
			return err
		} else if !ok {
			return ErrTooManySignups
		}
		err := q.QueryRow(ctx, `
			INSERT INTO signups (created_at, language, first_name, last_name, job_title, email, phone, job_function,
			       training_opt_in, company_name, country, state, city, street, postal_code)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			now, in.Language, in.FirstName, in.LastName, in.JobTitle, in.Email, in.Phone, in.JobFunction,
			in.TrainingOptIn, in.CompanyName, in.Country, in.State, in.City, in.Street, in.PostalCode).Scan(&id)
		if err != nil {
			return err
		}
		l := s.I18n.Localizer(in.Language)
		data := map[string]any{"Name": in.FirstName + " " + in.LastName, "Company": in.CompanyName, "ID": id}
		if err := mail.Enqueue(ctx, q, now, mail.Translated(l, []string{in.Email}, "mail.signup", data)); err != nil {
			return err
		}
		e := actor.Entry().Of(now, audit.SignupSubmitted, "signup", id)
		e.ActorUsername = in.Email
		e.Details = map[string]any{"company": in.CompanyName}
		return audit.Record(ctx, q, e)
	})
	return id, err
}

const signupColumns = `s.id, s.created_at, s.language, s.first_name, s.last_name, s.job_title, s.email, s.phone,
	s.job_function, s.training_opt_in, s.company_name, s.country, s.state, s.city, s.street, s.postal_code,
	s.status, s.reject_reason, coalesce(u.username, ''), coalesce(s.partner_id, 0)`

func scanSignup(r pgx.CollectableRow) (Signup, error) {
	var s Signup
	err := r.Scan(&s.ID, &s.CreatedAt, &s.Language, &s.FirstName, &s.LastName, &s.JobTitle, &s.Email, &s.Phone,
		&s.JobFunction, &s.TrainingOptIn, &s.CompanyName, &s.Country, &s.State, &s.City, &s.Street, &s.PostalCode,
		&s.Status, &s.RejectReason, &s.ReviewedBy, &s.PartnerID)
	return s, err
}

// Signups lists applications with status (all when empty), oldest pending first.
func (s *Store) Signups(ctx context.Context, status string) ([]Signup, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+signupColumns+` FROM signups s LEFT JOIN users u ON u.id = s.reviewed_by
		WHERE $1 = '' OR s.status = $1 ORDER BY s.status <> 'pending', s.created_at`, status)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanSignup)
}

// Signup returns application id, or ErrNotFound.
func (s *Store) Signup(ctx context.Context, id int64) (Signup, error) {
	return s.getSignup(ctx, s.DB, id, false)
}

func (s *Store) getSignup(ctx context.Context, q postgres.Querier, id int64, lock bool) (Signup, error) {
	sql := `SELECT ` + signupColumns + ` FROM signups s LEFT JOIN users u ON u.id = s.reviewed_by WHERE s.id = $1`
	if lock {
		sql += ` FOR UPDATE OF s`
	}
	rows, err := q.Query(ctx, sql, id)
	if err != nil {
		return Signup{}, err
	}
	sg, err := pgx.CollectExactlyOneRow(rows, scanSignup)
	if errors.Is(err, pgx.ErrNoRows) {
		return sg, ErrNotFound
	}
	return sg, err
}
