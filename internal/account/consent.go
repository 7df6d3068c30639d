package account

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Consent is a partner's signed consent to proxy delivery (D-1).
type Consent struct {
	ID         int64
	SignedOn   time.Time
	ValidUntil time.Time
	RecordedBy string
	RecordedAt time.Time
	Note       string
}

// ValidOn reports whether the consent covers day (Japan date).
func (c Consent) ValidOn(day time.Time) bool {
	d := clock.Date(day)
	return !d.Before(c.SignedOn) && !d.After(c.ValidUntil)
}

// RecordConsent stores a consent for partnerID. It returns the actor's
// refusal (auth.ReviewPartners), or valid.Errors when the dates are missing
// or valid-until precedes the signing date.
func (s *Store) RecordConsent(ctx context.Context, partnerID int64, c Consent, actor auth.Actor) (int64, error) {
	if err := actor.RequirePartner(auth.ReviewPartners, partnerID); err != nil {
		return 0, err
	}
	c.Note = strings.TrimSpace(c.Note)
	e := valid.Errors{}
	if c.SignedOn.IsZero() {
		e.Add("signed_on", "form.date")
	}
	if c.ValidUntil.IsZero() {
		e.Add("valid_until", "form.date")
	} else if c.ValidUntil.Before(c.SignedOn) {
		e.Add("valid_until", "consent.until_before_signed")
	}
	e.MaxLen("note", c.Note, 500)
	if len(e) > 0 {
		return 0, e
	}
	var id int64
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		if err := q.QueryRow(ctx, `
			INSERT INTO proxy_consents (partner_id, signed_on, valid_until, recorded_by, recorded_at, note)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			partnerID, c.SignedOn, c.ValidUntil, actor.UserID(), now, c.Note).Scan(&id); err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(now, audit.ConsentRecorded, "proxy_consent", id)
		e.Details = map[string]any{"signed_on": c.SignedOn.Format(time.DateOnly), "valid_until": c.ValidUntil.Format(time.DateOnly)}
		return audit.Record(ctx, q, e)
	})
	return id, err
}

// Consents lists partnerID's consents, the longest-valid first.
func (s *Store) Consents(ctx context.Context, partnerID int64) ([]Consent, error) {
	rows, err := s.DB.Query(ctx, `
		SELECT c.id, c.signed_on, c.valid_until, u.username, c.recorded_at, c.note
		FROM proxy_consents c JOIN users u ON u.id = c.recorded_by
		WHERE c.partner_id = $1 ORDER BY c.valid_until DESC, c.id DESC`, partnerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Consent, error) {
		var c Consent
		err := r.Scan(&c.ID, &c.SignedOn, &c.ValidUntil, &c.RecordedBy, &c.RecordedAt, &c.Note)
		c.SignedOn, c.ValidUntil = clock.SameDay(c.SignedOn), clock.SameDay(c.ValidUntil)
		return c, err
	})
}
