// Package seed writes benchmark data straight in SQL, much faster than
// placing orders one by one: n voucher orders of one partner (one a minute
// back from now) with perOrder codes each. The load test under bench/ and
// the benchmarks in internal/voucher share it.
package seed

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// Execer runs SQL: a pool, a connection or a transaction.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Owner is who the seeded orders belong to.
type Owner struct {
	PartnerID, GroupID, ContractVersionID, UserID int64
}

// Acme is the first demo partner (internal/demo): partner 1, its group 1,
// contract version 1 and its administrator, user 6.
var Acme = Owner{PartnerID: 1, GroupID: 1, ContractVersionID: 1, UserID: 6}

// Orders writes n completed orders of o with one line of perOrder codes
// (Global Server ID, 1 year, ¥995 each), then ANALYZEs. The orders'
// idempotency keys are prefix1…prefixN: prefix must differ between calls
// for the same partner.
func Orders(ctx context.Context, db Execer, o Owner, prefix string, n, perOrder int) error {
	type stmt struct {
		sql  string
		args []any
	}
	stmts := []stmt{
		{`INSERT INTO voucher_orders (partner_id, group_id, contract_version_id, created_at, order_date, expires_on,
		         total, tax_rate, created_by, idempotency_key)
		  SELECT $1, $2, $3, now() - i * interval '1 minute', current_date, current_date + 364, 995 * $4::int, 10, $5, $6 || i
		  FROM generate_series(1, $7::int) i`,
			[]any{o.PartnerID, o.GroupID, o.ContractVersionID, perOrder, o.UserID, prefix, n}},
		{`INSERT INTO voucher_order_lines (order_id, line_no, product_id, years, fqdns, wildcards, quantity, unit_price, amount)
		  SELECT id, 1, 1, 1, 1, 0, $3::int, 995, 995 * $3::int FROM voucher_orders
		  WHERE partner_id = $1 AND idempotency_key LIKE $2 || '%'`,
			[]any{o.PartnerID, prefix, perOrder}},
		{`INSERT INTO voucher_codes (order_id, line_no, partner_id, code, created_at)
		  SELECT o.id, 1, o.partner_id, translate(upper(md5(o.id || ':' || k)), '0189', 'GHIJ'), now()
		  FROM voucher_orders o, generate_series(1, $3::int) k
		  WHERE o.partner_id = $1 AND o.idempotency_key LIKE $2 || '%'`,
			[]any{o.PartnerID, prefix, perOrder}},
		{`ANALYZE`, nil},
	}
	for _, s := range stmts {
		if _, err := db.Exec(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}
