package voucher_test

import (
	"context"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/bench/seed"
	"github.com/ccp-partner/portal/internal/voucher"
)

// BenchmarkOrder1000Codes commits an order of 1,000 codes (price check,
// credit check under the partner lock, order, line, codes, ledger charge,
// audit entry, delivery email) and, in the same run, a bare COPY of 1,000
// code rows for comparison. Goal: ≤ 300 ms per order.
func BenchmarkOrder1000Codes(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	setCreditLimitTB(b, e, 10_000_000_000)
	b.Run("order", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := e.svc.Create(ctx, 1, order(gsid(1000, 1, 0)), acme); err != nil {
				b.Fatal(err)
			}
		}
	})
	orderID, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("bare-copy", func(b *testing.B) {
		for b.Loop() {
			rows := make([][]any, 1000)
			for i := range rows {
				c, _ := voucher.NewCode()
				rows[i] = []any{orderID, 1, int64(1), c, time.Now()}
			}
			if _, err := e.pool.CopyFrom(ctx, pgx.Identifier{"voucher_codes"}, []string{"order_id", "line_no", "partner_id", "code", "created_at"},
				pgx.CopyFromRows(rows)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOrderListFirstPage lists the first page (50) of a partner with
// 100,000 orders. Goal: ≤ 50 ms.
func BenchmarkOrderListFirstPage(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	seedOrders(b, e, 100_000, 1)
	b.ResetTimer()
	for b.Loop() {
		orders, next, err := e.svc.Orders(ctx, 1, voucher.ListFilter{Limit: 50})
		if err != nil || len(orders) != 50 || next == 0 {
			b.Fatalf("%d orders, next %d, %v", len(orders), next, err)
		}
	}
}

// BenchmarkUsedCodesCSV streams the used-codes CSV of 1,000,000 codes and
// reports rows/s and the peak heap while it runs.
func BenchmarkUsedCodesCSV(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	seedOrders(b, e, 1000, 1000)
	if _, err := e.pool.Exec(ctx, `UPDATE voucher_codes SET status = 'used', used_at = now()`); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	go sampleHeap(&peak, stop)
	b.ResetTimer()
	var rows int64
	for b.Loop() {
		cw := &countingWriter{}
		if err := e.svc.WriteUsedCodesCSV(ctx, cw, 1, "ja", voucher.UTF8BOM); err != nil {
			b.Fatal(err)
		}
		rows += cw.lines - 1
	}
	close(stop)
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}

func sampleHeap(peak *atomic.Uint64, stop chan struct{}) {
	var m runtime.MemStats
	for {
		select {
		case <-stop:
			return
		case <-time.After(5 * time.Millisecond):
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}
}

type countingWriter struct{ lines int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '\n' {
			c.lines++
		}
	}
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

// seedOrders writes n orders of partner 1 with perOrder codes each, in SQL
// (bench/seed, which the load test under bench/ uses too).
func seedOrders(b *testing.B, e *env, n, perOrder int) {
	b.Helper()
	if err := seed.Orders(context.Background(), e.pool, seed.Acme, "seed", n, perOrder); err != nil {
		b.Fatal(err)
	}
}
