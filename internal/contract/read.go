package contract

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/clock"
)

const versionColumns = `v.id, v.partner_id, v.effective_from, v.start_date, v.end_date, v.payment_terms,
	v.credit_limit, v.tax_rate, v.note, v.created_at, u.username`

func scanVersion(r pgx.CollectableRow) (Version, error) {
	var v Version
	err := r.Scan(&v.ID, &v.PartnerID, &v.EffectiveFrom, &v.StartDate, &v.EndDate, &v.PaymentTerms,
		&v.CreditLimit, &v.TaxRate, &v.Note, &v.CreatedAt, &v.CreatedBy)
	v.EffectiveFrom, v.StartDate, v.EndDate = clock.SameDay(v.EffectiveFrom), clock.SameDay(v.StartDate), clock.SameDay(v.EndDate)
	return v, err
}

// Versions lists partnerID's versions, newest first, without entries.
func (s *Store) Versions(ctx context.Context, partnerID int64) ([]Version, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+versionColumns+`
		FROM contract_versions v JOIN users u ON u.id = v.created_by
		WHERE v.partner_id = $1 ORDER BY v.effective_from DESC, v.id DESC`, partnerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanVersion)
}

// Version returns version id of partnerID with its entries, or ErrNotFound.
func (s *Store) Version(ctx context.Context, partnerID, id int64) (Version, error) {
	return s.one(ctx, `v.partner_id = $1 AND v.id = $2`, partnerID, id)
}

// InForce returns the version of partnerID in force on day (the latest
// created among those effective on or before it), with its entries, or
// ErrNoContract.
func (s *Store) InForce(ctx context.Context, partnerID int64, day time.Time) (Version, error) {
	v, err := s.one(ctx, `v.partner_id = $1 AND v.effective_from <= $2`, partnerID, clock.Date(day).Format(time.DateOnly))
	if errors.Is(err, ErrNotFound) {
		return v, ErrNoContract
	}
	return v, err
}

func (s *Store) one(ctx context.Context, where string, args ...any) (Version, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+versionColumns+`
		FROM contract_versions v JOIN users u ON u.id = v.created_by
		WHERE `+where+` ORDER BY v.effective_from DESC, v.id DESC LIMIT 1`, args...)
	if err != nil {
		return Version{}, err
	}
	v, err := pgx.CollectExactlyOneRow(rows, scanVersion)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, ErrNotFound
	}
	if err != nil {
		return v, err
	}
	v.Entries, err = s.entries(ctx, v.ID)
	return v, err
}

func (s *Store) entries(ctx context.Context, versionID int64) ([]Entry, error) {
	rows, err := s.DB.Query(ctx, `
		SELECT product_id, years, list_price, discount_bp, base_price, additional_fqdn, wildcard
		FROM price_entries WHERE version_id = $1 ORDER BY product_id, years`, versionID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Entry, error) {
		var e Entry
		err := r.Scan(&e.ProductID, &e.Years, &e.ListPrice, &e.DiscountBP, &e.Base, &e.AdditionalFQDN, &e.Wildcard)
		return e, err
	})
}
