package billing

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Bucket is the month's net at one tax rate (charges positive).
type Bucket struct {
	Rate int
	Net  money.Yen
	Tax  money.Yen // rounded down once for the bucket (money.Tax)
}

// Amounts are a month's figures: net, tax and total over its buckets.
type Amounts struct {
	Buckets         []Bucket
	Net, Tax, Total money.Yen
}

// amountsOf sums buckets, taxing each once (新消令 70条の10).
func amountsOf(buckets []Bucket) Amounts {
	a := Amounts{Buckets: buckets}
	for i := range a.Buckets {
		b := &a.Buckets[i]
		b.Tax = money.Tax(b.Net, b.Rate)
		a.Net += b.Net
		a.Tax += b.Tax
	}
	a.Total = a.Net + a.Tax
	return a
}

// billedEntries is the condition on ledger_entries l of what a month bills:
// every entry that moves the balance, except the close's own.
const billedEntries = `l.partner_id = $1 AND l.at >= $2 AND l.at < $3
	AND ledger_is_balance_kind(l.kind) AND l.kind <> 'month_closed'`

// monthBuckets sums partnerID's billed entries of m per tax rate: an
// order's entries at the order's rate, others (adjustments) at
// defaultRate.
func monthBuckets(ctx context.Context, q postgres.Querier, partnerID int64, m Month, defaultRate int) ([]Bucket, error) {
	rows, err := q.Query(ctx, `
		SELECT coalesce(o.tax_rate, co.tax_rate, $4), -sum(l.amount)
		FROM ledger_entries l LEFT JOIN voucher_orders o ON o.id = l.voucher_order_id
		LEFT JOIN certificate_orders co ON co.id = l.certificate_order_id
		WHERE `+billedEntries+`
		GROUP BY 1 ORDER BY 1 DESC`, partnerID, m.Start(), m.End(), defaultRate)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Bucket, error) {
		var b Bucket
		return b, r.Scan(&b.Rate, &b.Net)
	})
}

// StatementLine is one line of the itemized statement (M-5): an order line
// charged or credited, a direct certificate order (C-5: one unit, its
// common name as the memo), or another entry (an adjustment). Amounts are from
// the partner's side: charges positive, credits negative.
type StatementLine struct {
	At        time.Time // when the entry was made
	OrderDate time.Time // the order's date (a credit's original sale), zero without an order
	Kind      string    // the ledger kind
	OrderID   int64
	ProductJA string
	ProductEN string
	Years     int
	FQDNs     int
	Wildcards int
	Quantity  int
	UnitPrice money.Yen
	Amount    money.Yen
	TaxRate   int
	Customer  string
	Memo      string // the order's memo, or the adjustment's reason
}

// statementLines reads the month's billed entries of partnerID as
// statement lines, oldest first, each order entry split into its lines.
func statementLines(ctx context.Context, q postgres.Querier, partnerID int64, m Month, defaultRate int) ([]StatementLine, error) {
	rows, err := q.Query(ctx, `
		SELECT l.at, coalesce(o.created_at, co.requested_at, '0001-01-01'), l.kind, coalesce(o.id, co.id, 0),
		       coalesce(p.name_ja, ''), coalesce(p.name_en, ''), coalesce(ol.years, co.years, 0), coalesce(ol.fqdns, co.fqdns, 0),
		       coalesce(ol.wildcards, co.wildcards, 0), coalesce(ol.quantity, CASE WHEN co.id IS NULL THEN 0 ELSE 1 END),
		       coalesce(ol.unit_price, co.price, 0),
		       CASE WHEN ol.order_id IS NULL THEN -l.amount WHEN l.amount < 0 THEN ol.amount ELSE -ol.amount END,
		       coalesce(o.tax_rate, co.tax_rate, $4), coalesce(o.customer, ''),
		       CASE WHEN o.id IS NOT NULL THEN o.memo WHEN co.id IS NOT NULL THEN co.common_name ELSE l.reason END
		FROM ledger_entries l
		LEFT JOIN voucher_orders o ON o.id = l.voucher_order_id
		LEFT JOIN voucher_order_lines ol ON ol.order_id = o.id
		LEFT JOIN certificate_orders co ON co.id = l.certificate_order_id
		LEFT JOIN products p ON p.id = coalesce(ol.product_id, co.product_id)
		WHERE `+billedEntries+`
		ORDER BY l.at, l.id, ol.line_no`, partnerID, m.Start(), m.End(), defaultRate)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatementLine, error) {
		var s StatementLine
		return s, r.Scan(&s.At, &s.OrderDate, &s.Kind, &s.OrderID, &s.ProductJA, &s.ProductEN, &s.Years, &s.FQDNs,
			&s.Wildcards, &s.Quantity, &s.UnitPrice, &s.Amount, &s.TaxRate, &s.Customer, &s.Memo)
	})
}
