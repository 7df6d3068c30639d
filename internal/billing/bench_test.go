package billing_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/ledger"
)

// BenchmarkFigures reads a partner's four figures with 1,000 and 100,000
// ledger entries: Compute reads the running totals and should cost the
// same at both sizes; Recompute (the check, summing every entry) is shown
// for contrast.
func BenchmarkFigures(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		e := newEnv(b)
		start := time.Now()
		insertEntries(b, e, acmeID, n)
		b.Logf("%d entries written in %s", n, time.Since(start).Round(time.Millisecond))
		b.Run(fmt.Sprintf("Compute/entries=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := ledger.Compute(context.Background(), e.pool, acmeID, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("Recompute/entries=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := ledger.Recompute(context.Background(), e.pool, acmeID, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// insertEntries writes n adjustments of partnerID, one second apart before
// the test clock; the trigger keeps the totals. In statements of 2,000
// rows: the trigger updates the partner's ledger_totals row once per row,
// and within one transaction those row versions cannot be pruned, so one
// statement of n rows costs O(n²) (100,000 rows: over a minute).
func insertEntries(b *testing.B, e *env, partnerID int64, n int) {
	b.Helper()
	const chunk = 2_000
	now := e.clock.Now()
	for from := 1; from <= n; from += chunk {
		if _, err := e.pool.Exec(context.Background(), `
			INSERT INTO ledger_entries (partner_id, at, kind, amount, reason)
			SELECT $1, $2::timestamptz - ($3 - g) * interval '1 second', 'adjustment',
			       CASE WHEN g % 2 = 0 THEN -(g % 1000) - 1 ELSE g % 700 + 1 END, 'bench'
			FROM generate_series($4::int, $5::int) g`,
			partnerID, now, n, from, min(n, from+chunk-1)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := e.pool.Exec(context.Background(), `ANALYZE ledger_entries`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkClose closes one month of many partners with many orders and
// codes (the goal: 1,000 partners and 1,000,000 codes; here
// BILLING_BENCH_PARTNERS partners, default 200, each with
// BILLING_BENCH_ORDERS orders, default 10, and BILLING_BENCH_CODES codes
// in all, default 1,000,000). It reports the close's seconds, the peak Go
// heap in use while it runs, a bare SQL aggregate of the same month timed
// in the same run and the ratio of the two, and the stored PDFs' sizes and
// render times (Translation, which draws a stored document again, and
// MonthToDate, the statement's preview before the close). Each iteration
// builds its own database outside the timer; one iteration is enough (the
// close takes seconds), so run it with -benchtime=1x or the default.
func BenchmarkClose(b *testing.B) {
	partners := envInt(b, "BILLING_BENCH_PARTNERS", 200)
	orders := envInt(b, "BILLING_BENCH_ORDERS", 10)
	codes := envInt(b, "BILLING_BENCH_CODES", 1_000_000)
	perLine := max(1, min(1000, codes/(partners*orders))) // a line holds at most 1,000 codes
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		e := newEnv(b)
		e.at(b, 2026, 11, 1, 9, 0, 0)
		setupStart := time.Now()
		ids := addPartners(b, e, partners)
		ordersOf(b, e, ids, orders, perLine)
		b.Logf("set-up: %d partners, %d orders, %d codes in %s", partners, partners*orders, partners*orders*perLine,
			time.Since(setupStart).Round(time.Millisecond))

		e.at(b, 2026, 11, 30, 23, 0, 0)
		renderStart := time.Now()
		statement, err := e.billing.MonthToDate(ctx, ids[0])
		if err != nil {
			b.Fatal(err)
		}
		render := time.Since(renderStart)

		e.at(b, 2026, 12, 1, 0, 0, 5)
		aggregate := timeAggregate(b, e, november)

		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		baseline := ms.HeapInuse
		var peak atomic.Uint64
		peak.Store(baseline)
		done := make(chan struct{})
		var sampler sync.WaitGroup
		sampler.Go(func() {
			t := time.NewTicker(10 * time.Millisecond)
			defer t.Stop()
			for {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				select {
				case <-done:
					return
				case <-t.C:
				}
			}
		})
		b.StartTimer()
		closeStart := time.Now()
		reports, ran, err := e.billing.CloseDue(ctx)
		closeTime := time.Since(closeStart)
		b.StopTimer()
		close(done)
		sampler.Wait()
		if err != nil || !ran || len(reports) != 1 || reports[0].Closed != partners || reports[0].Failed != 0 {
			b.Fatalf("close: ran %v, %v, %+v", ran, err, reports)
		}

		var invoiceBytes, statementBytes, maxStatement int64
		if err := e.pool.QueryRow(ctx, `
			SELECT coalesce(avg(length(content)) FILTER (WHERE kind = 'invoice'), 0)::bigint,
			       coalesce(avg(length(content)) FILTER (WHERE kind = 'statement'), 0)::bigint,
			       coalesce(max(length(content)) FILTER (WHERE kind = 'statement'), 0)
			FROM documents`).Scan(&invoiceBytes, &statementBytes, &maxStatement); err != nil {
			b.Fatal(err)
		}
		invoiceRender := timeRender(b, e, "INV0000001")
		statementRender := timeRender(b, e, "ST0000001")

		b.ReportMetric(closeTime.Seconds(), "s/close")
		b.ReportMetric(float64(closeTime.Milliseconds())/float64(partners), "ms/partner")
		b.ReportMetric(float64(peak.Load())/(1<<20), "MB-peak-heap")
		b.ReportMetric(float64(peak.Load()-baseline)/(1<<20), "MB-heap-growth")
		b.ReportMetric(aggregate.Seconds()*1000, "ms/sql-aggregate")
		b.ReportMetric(closeTime.Seconds()/aggregate.Seconds(), "x-aggregate")
		b.ReportMetric(float64(invoiceBytes), "B/invoice-pdf")
		b.ReportMetric(float64(statementBytes), "B/statement-pdf")
		b.ReportMetric(float64(invoiceRender.Microseconds())/1000, "ms/invoice-render")
		b.ReportMetric(float64(statementRender.Microseconds())/1000, "ms/statement-render")
		b.Logf("close of %d partners: %s (%.1f ms each, PDFs included); SQL aggregate %s (×%.0f); peak heap %.1f MB "+
			"(+%.1f MB); invoice PDF %d B, statement PDF %d B (largest %d B, %d orders); render: invoice %s, statement %s "+
			"(month-to-date preview before the close %s, %d B)",
			partners, closeTime.Round(time.Millisecond), float64(closeTime.Milliseconds())/float64(partners),
			aggregate.Round(time.Microsecond), closeTime.Seconds()/aggregate.Seconds(),
			float64(peak.Load())/(1<<20), float64(peak.Load()-baseline)/(1<<20),
			invoiceBytes, statementBytes, maxStatement, orders, invoiceRender.Round(time.Microsecond),
			statementRender.Round(time.Microsecond), render.Round(time.Microsecond), len(statement))
	}
}

// ordersOf gives each partner n orders in November (one line of perLine
// one-year codes at ¥995, with its codes and its voucher charge), written
// in bulk.
func ordersOf(b *testing.B, e *env, ids []int64, n, perLine int) {
	b.Helper()
	ctx := context.Background()
	steps := []struct {
		sql  string
		args []any
	}{{`
		INSERT INTO voucher_orders (partner_id, group_id, contract_version_id, created_at, order_date, expires_on,
		                            customer, total, tax_rate, created_by, on_behalf, idempotency_key)
		SELECT p.id, g.id, v.id, t.at, (t.at AT TIME ZONE 'Asia/Tokyo')::date,
		       (t.at AT TIME ZONE 'Asia/Tokyo')::date + interval '1 year' - interval '1 day',
		       'customer ' || k, $3 * 995, v.tax_rate, u.id, true, 'bench-' || k
		FROM unnest($1::bigint[]) p(id)
		JOIN management_groups g ON g.partner_id = p.id
		JOIN contract_versions v ON v.partner_id = p.id
		JOIN users u ON u.username = 'op-delivery' -- on the partner's behalf: the partners have no users
		CROSS JOIN generate_series(1, $2) k
		CROSS JOIN LATERAL (SELECT $4::timestamptz + k * interval '1 hour' + (p.id % 60) * interval '1 minute' AS at) t`,
		[]any{ids, n, perLine, e.clock.Now()}}, {`
		INSERT INTO voucher_order_lines (order_id, line_no, product_id, years, fqdns, wildcards, quantity, unit_price, amount)
		SELECT o.id, 1, 1, 1, 1, 0, $2, 995, $2 * 995 FROM voucher_orders o WHERE o.partner_id = ANY ($1)`,
		[]any{ids, perLine}}, {`
		INSERT INTO ledger_entries (partner_id, group_id, at, kind, amount, voucher_order_id, created_by)
		SELECT o.partner_id, o.group_id, o.created_at, 'voucher_charge', -o.total, o.id, o.created_by
		FROM voucher_orders o WHERE o.partner_id = ANY ($1)
		ORDER BY o.partner_id, o.created_at`,
		[]any{ids}}, {`
		INSERT INTO voucher_codes (order_id, line_no, partner_id, code, created_at)
		SELECT o.id, 1, o.partner_id, translate(md5(o.id || '-' || c), '0123456789abcdef', 'ABCDEFGHIJKLMNOP'), o.created_at
		FROM voucher_orders o CROSS JOIN generate_series(1, $2) c WHERE o.partner_id = ANY ($1)`,
		[]any{ids, perLine}},
		{`ANALYZE`, nil},
	}
	for _, st := range steps {
		if _, err := e.pool.Exec(ctx, st.sql, st.args...); err != nil {
			b.Fatalf("%v\n%s", err, st.sql)
		}
	}
}

// timeRender is the best of three renderings of a stored document's PDF
// again (Translation in Japanese: the same drawing as the close's, with
// its figures read back).
func timeRender(b *testing.B, e *env, number string) time.Duration {
	b.Helper()
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		if _, err := e.billing.Translation(context.Background(), 0, number, "ja"); err != nil {
			b.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	return best
}

// timeAggregate times the bare SQL sum of m's billed entries per partner
// (after one warm-up run), the floor that the close is compared with.
func timeAggregate(b *testing.B, e *env, m billing.Month) time.Duration {
	b.Helper()
	run := func() time.Duration {
		start := time.Now()
		rows, err := e.pool.Query(context.Background(), `
			SELECT partner_id, sum(amount) FROM ledger_entries
			WHERE at >= $1 AND at < $2 AND ledger_is_balance_kind(kind) AND kind <> 'month_closed'
			GROUP BY partner_id`, m.Start(), m.End())
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	run()
	best := run()
	for range 2 {
		best = min(best, run())
	}
	return best
}

func envInt(b *testing.B, name string, def int) int {
	b.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}
