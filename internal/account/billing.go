package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/jp"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// BillingContact is who receives the invoices (S-2).
type BillingContact struct {
	Name         string
	Organization string
	Address
	Emails    []string
	Phone     string
	UpdatedAt time.Time
}

// Normalize tidies typed input.
func (b *BillingContact) Normalize() {
	for _, f := range []*string{&b.Name, &b.Organization, &b.State, &b.City, &b.Line1, &b.Line2, &b.Phone} {
		*f = strings.TrimSpace(*f)
	}
	b.Country = strings.ToUpper(strings.TrimSpace(b.Country))
	if b.Country == "JP" {
		b.PostalCode = jp.NormalizePostalCode(b.PostalCode)
	} else {
		b.PostalCode = strings.TrimSpace(b.PostalCode)
	}
}

// Validate returns the problems of each field; organization, state and
// postal code are required, as voucher generation and invoices need them.
func (b BillingContact) Validate() valid.Errors {
	e := valid.Errors{}
	e.Text("name", b.Name, 100)
	e.Text("organization", b.Organization, 200)
	address(e, b.Address)
	e.Text("address1", b.Line1, 200)
	e.MaxLen("address2", b.Line2, 200)
	e.Text("city", b.City, 100)
	if len(b.Emails) == 0 {
		e.Add("emails", "form.required")
	}
	for _, m := range b.Emails {
		if !valid.IsEmail(m) {
			e.Add("emails", "form.email_list", map[string]any{"Address": m})
		}
	}
	if len(b.Emails) > 10 {
		e.Add("emails", "billing.too_many_emails")
	}
	if b.Phone != "" {
		phone(e, "phone", b.Phone)
	}
	return e
}

// Complete reports whether the fields voucher generation needs are set.
func (b BillingContact) Complete() bool {
	return b.Organization != "" && b.State != "" && b.PostalCode != ""
}

// BillingContact returns partnerID's contact; found is false before the
// partner has confirmed one.
func (s *Store) BillingContact(ctx context.Context, partnerID int64) (b BillingContact, found bool, err error) {
	err = s.DB.QueryRow(ctx, `
		SELECT name, organization, country, address1, address2, city, state, postal_code, emails, phone, updated_at
		FROM billing_contacts WHERE partner_id = $1`, partnerID).
		Scan(&b.Name, &b.Organization, &b.Country, &b.Line1, &b.Line2, &b.City, &b.State, &b.PostalCode, &b.Emails, &b.Phone, &b.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, false, nil
	}
	return b, err == nil, err
}

// ProposedBillingContact is what the first visit offers: the
// Administrator's name and email with the address of the approved sign-up.
func (s *Store) ProposedBillingContact(ctx context.Context, p *auth.Principal) (BillingContact, error) {
	b := BillingContact{Name: p.DisplayName, Organization: p.PartnerName, Emails: []string{p.Email}}
	err := s.DB.QueryRow(ctx, `
		SELECT country, state, city, street, postal_code FROM signups WHERE partner_id = $1 AND status = 'approved'
		ORDER BY id LIMIT 1`, p.PartnerID).Scan(&b.Country, &b.State, &b.City, &b.Line1, &b.PostalCode)
	if errors.Is(err, pgx.ErrNoRows) {
		err = s.DB.QueryRow(ctx, `SELECT country FROM partners WHERE id = $1`, p.PartnerID).Scan(&b.Country)
	}
	return b, err
}

// SaveBillingContact validates and stores partnerID's contact with an audit
// entry holding the previous and the new values. It returns the actor's
// refusal (auth.ManageFinance for partnerID) or valid.Errors for refused
// input, writing nothing.
func (s *Store) SaveBillingContact(ctx context.Context, partnerID int64, b BillingContact, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ManageFinance, partnerID); err != nil {
		return err
	}
	b.Normalize()
	if e := b.Validate(); len(e) > 0 {
		return e
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		_, err := q.Exec(ctx, `
			INSERT INTO billing_contacts (partner_id, name, organization, country, address1, address2, city, state, postal_code, emails, phone, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (partner_id) DO UPDATE SET name = $2, organization = $3, country = $4, address1 = $5, address2 = $6,
			       city = $7, state = $8, postal_code = $9, emails = $10, phone = $11, updated_at = $12`,
			partnerID, b.Name, b.Organization, b.Country, b.Line1, b.Line2, b.City, b.State, b.PostalCode, b.Emails, b.Phone, now)
		if err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(now, audit.BillingContactSaved, "billing_contact", partnerID)
		e.Details = map[string]any{"contact": b}
		return audit.Record(ctx, q, e)
	})
}
