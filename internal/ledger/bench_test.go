package ledger_test

import (
	"context"
	"testing"

	"github.com/ccp-partner/portal/internal/ledger"
)

// BenchmarkHistoryFirstPage reads the first page of the balance history of
// a partner with 100,000 entries (goal ≤ 50 ms): one index range, whatever
// the length of the history.
func BenchmarkHistoryFirstPage(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	for range 50 { // 2,000 a statement: the totals row is updated once per entry
		if _, err := e.pool.Exec(ctx, `
			INSERT INTO ledger_entries (partner_id, at, kind, amount, reason)
			SELECT 1, now() - make_interval(mins => g), 'adjustment', -1, 'bench' FROM generate_series(1, 2000) g`); err != nil {
			b.Fatal(err)
		}
	}
	for _, f := range []struct {
		name string
		f    ledger.Filter
	}{{"all", ledger.Filter{}}, {"kind", ledger.Filter{Kind: ledger.Adjustment}}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				entries, err := ledger.History(ctx, e.pool, 1, f.f)
				if err != nil || len(entries) != ledger.HistoryPage {
					b.Fatalf("%d entries, %v", len(entries), err)
				}
			}
		})
	}
}
