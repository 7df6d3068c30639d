package quote

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/postgres"
)

// quoteColumns are a quote's columns as scanQuote reads them (q: quotes,
// g: its management group, u: who saved it).
const quoteColumns = `q.id, q.number, q.partner_id, q.group_id, g.name, q.contract_version_id, q.kind, q.memo,
	q.subtotal, q.tax_rate, q.tax, q.total, q.saved_at, q.saved_on, q.expires_on, q.status,
	coalesce(q.voucher_order_id, 0), u.username, q.on_behalf`

const quoteFrom = `
	FROM quotes q JOIN management_groups g ON g.id = q.group_id JOIN users u ON u.id = q.created_by`

func scanQuote(r pgx.CollectableRow) (Quote, error) {
	var q Quote
	err := r.Scan(&q.ID, &q.Number, &q.PartnerID, &q.GroupID, &q.GroupName, &q.ContractVersionID, &q.Kind, &q.Memo,
		&q.Subtotal, &q.TaxRate, &q.Tax, &q.Total, &q.SavedAt, &q.SavedOn, &q.ExpiresOn, &q.Status,
		&q.VoucherOrderID, &q.CreatedBy, &q.OnBehalf)
	q.SavedOn, q.ExpiresOn = clock.SameDay(q.SavedOn), clock.SameDay(q.ExpiresOn)
	return q, err
}

// Filter selects a page of a partner's quotes, newest first.
type Filter struct {
	PartnerID int64
	Before    int64 // only quotes with a smaller id (the next page); 0: from the newest
	Limit     int   // 1-200; 50 when out of range
}

// List returns the quotes f selects, without their lines; deleted quotes
// are never listed.
func (s *Service) List(ctx context.Context, f Filter) ([]Quote, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := s.DB.Query(ctx, `SELECT `+quoteColumns+quoteFrom+`
		WHERE q.partner_id = $1 AND q.deleted_at IS NULL AND ($2 = 0 OR q.id < $2)
		ORDER BY q.id DESC LIMIT $3`, f.PartnerID, f.Before, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanQuote)
}

// Get returns quote id of partnerID with its lines, or ErrNotFound (for a
// deleted quote and another partner's too).
func (s *Service) Get(ctx context.Context, partnerID, id int64) (Quote, error) {
	return get(ctx, s.DB, partnerID, id, false)
}

// get reads the quote through q; lock takes its row FOR UPDATE (inside
// the caller's transaction), so that a concurrent change waits.
func get(ctx context.Context, q postgres.Querier, partnerID, id int64, lock bool) (Quote, error) {
	sql := `SELECT ` + quoteColumns + quoteFrom + `
		WHERE q.partner_id = $1 AND q.id = $2 AND q.deleted_at IS NULL`
	if lock {
		sql += ` FOR UPDATE OF q`
	}
	rows, err := q.Query(ctx, sql, partnerID, id)
	if err != nil {
		return Quote{}, err
	}
	qt, err := pgx.CollectExactlyOneRow(rows, scanQuote)
	if errors.Is(err, pgx.ErrNoRows) {
		return qt, ErrNotFound
	}
	if err != nil {
		return qt, err
	}
	qt.Lines, err = lines(ctx, q, id)
	return qt, err
}

func lines(ctx context.Context, q postgres.Querier, quoteID int64) ([]Line, error) {
	rows, err := q.Query(ctx, `
		SELECT line_no, product_id, product_name_ja, product_name_en, years, fqdns, wildcards, quantity, ship_token,
		       unit_price, amount
		FROM quote_lines WHERE quote_id = $1 ORDER BY line_no`, quoteID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Line, error) {
		var l Line
		err := r.Scan(&l.No, &l.ProductID, &l.NameJA, &l.NameEN, &l.Years, &l.FQDNs, &l.Wildcards, &l.Quantity,
			&l.ShipToken, &l.UnitPrice, &l.Amount)
		return l, err
	})
}
