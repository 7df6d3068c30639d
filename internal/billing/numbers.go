package billing

import (
	"context"
	"fmt"

	"github.com/ccp-partner/portal/internal/postgres"
)

// nextNumber takes the next number of series inside q's transaction: the
// series' row stays locked until the transaction ends and a rollback gives
// the number back, so that numbers have no gaps (a sequence would).
func nextNumber(ctx context.Context, q postgres.Querier, series string) (string, error) {
	var n int64
	err := q.QueryRow(ctx, `UPDATE document_numbers SET last = last + 1 WHERE series = $1 RETURNING last`, series).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("billing: number of %s: %w", series, err)
	}
	return fmt.Sprintf("%s%07d", numberPrefix[series], n), nil
}
