package voucher_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/ccp-partner/portal/bench/seed"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/csvout"
	"github.com/ccp-partner/portal/internal/voucher"
)

// TestCSVBytesMatchTheReference compares every CSV export, in both
// encodings and languages, byte for byte with the straightforward
// implementation the streaming writer replaced (encoding/csv over scanned
// rows, below), on cells that need neutralising, quoting, a "?" for what
// CP932 lacks, used and expired codes.
func TestCSVBytesMatchTheReference(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tricky := []string{`=HYPERLINK("x")`, "株式会社テスト ①向け", "𠮷野家, \"quoted\"\nnew line", " leading space", "\v\fcontrol", `\.`, "-1", "@x", "\ttab", "\rcr", "plain"}
	var ids []int64
	for i, s := range tricky {
		id, _, err := e.svc.Create(ctx, 1, order(gsid(2, 1, i%2)), acme)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		mustExec(t, e, `UPDATE voucher_orders SET customer = $2, memo = $3 WHERE id = $1`, id, s, tricky[len(tricky)-1-i])
	}
	// More codes than one batch of the streaming writer, in orders of 1,000.
	if err := seed.Orders(ctx, e.pool, seed.Acme, "csvtest", 8, 1000); err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, `UPDATE voucher_codes SET status = 'used', used_at = now() - (id % 1000) * interval '1 minute' WHERE id % 11 <> 0`)
	mustExec(t, e, `UPDATE products SET name_ja = '=名前, "𠮷" ①', name_en = ' +Name, "x"' WHERE id = 1`)
	mustExec(t, e, `UPDATE voucher_codes SET status = 'used', used_at = now() - interval '1 day' WHERE id % 3 = 0`)
	mustExec(t, e, `UPDATE voucher_codes SET status = 'cancelled' WHERE id % 7 = 0`)
	mustExec(t, e, `UPDATE voucher_orders SET expires_on = current_date - 5, order_date = '2024-02-29' WHERE id = $1`, ids[1])
	// Certificate orders: every Used code has some (seedCertificates), with
	// names that need care; an Active code has a cancelled one, which
	// gave it back; one Used code has none.
	seedCertificates(t, e)
	for i, s := range tricky {
		mustExec(t, e, `UPDATE certificate_orders SET organization = $2, common_name = $3 WHERE id % 11 = $1`, i, s, tricky[len(tricky)-1-i])
	}
	mustExec(t, e, `UPDATE certificate_orders SET status = 'cancelled', cancelled_at = requested_at
		WHERE voucher_code_id IN (SELECT id FROM voucher_codes WHERE id % 17 = 0 AND status = 'used')`)
	mustExec(t, e, `UPDATE voucher_codes SET status = 'active', used_at = NULL WHERE id % 17 = 0 AND status = 'used'`)
	mustExec(t, e, `DELETE FROM certificates WHERE order_id IN (SELECT co.id FROM certificate_orders co JOIN voucher_codes c ON c.id = co.voucher_code_id
		WHERE c.id = (SELECT min(id) FROM voucher_codes WHERE status = 'used'))`)
	mustExec(t, e, `DELETE FROM certificate_orders WHERE voucher_code_id = (SELECT min(id) FROM voucher_codes WHERE status = 'used')`)
	type export struct {
		name      string
		got, want func(w io.Writer, lang string, enc voucher.Encoding) error
	}
	exports := []export{
		{"used codes", func(w io.Writer, lang string, enc voucher.Encoding) error {
			return e.svc.WriteUsedCodesCSV(ctx, w, 1, lang, enc)
		}, func(w io.Writer, lang string, enc voucher.Encoding) error {
			return referenceCodes(ctx, e, w, lang, enc, `c.partner_id = $1 AND c.status = 'used'`, 1)
		}},
		{"an order's codes", func(w io.Writer, lang string, enc voucher.Encoding) error {
			return e.svc.WriteOrderCodesCSV(ctx, w, 1, ids[1], lang, enc)
		}, func(w io.Writer, lang string, enc voucher.Encoding) error {
			return referenceCodes(ctx, e, w, lang, enc, `c.partner_id = $1 AND c.order_id = $2 AND c.status <> 'reissued'`, 1, ids[1])
		}},
		{"orders", func(w io.Writer, _ string, enc voucher.Encoding) error {
			return e.svc.WriteOrdersCSV(ctx, w, 1, voucher.ListFilter{}, enc)
		}, func(w io.Writer, _ string, enc voucher.Encoding) error {
			return referenceOrders(ctx, e, w, enc)
		}},
	}
	for _, x := range exports {
		for _, lang := range []string{"en", "ja"} {
			for _, enc := range []voucher.Encoding{voucher.UTF8BOM, voucher.ShiftJIS} {
				var got, want bytes.Buffer
				if err := x.got(&got, lang, enc); err != nil {
					t.Fatal(err)
				}
				if err := x.want(&want, lang, enc); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Errorf("%s, %s, encoding %d: differs from the reference:\n%q\n%q", x.name, lang, enc, got.String(), want.String())
				} else if n := bytes.Count(got.Bytes(), []byte("\n")); n < 3 || x.name == "used codes" && n < 5000 {
					t.Errorf("%s: only %d lines", x.name, n)
				}
			}
		}
	}
}

// TestCSVStreamsLargeExportsInPieces: an export much larger than the
// writer's buffer reaches the writer in pieces (memory stays flat) and
// still ends with a whole row.
func TestCSVStreamsLargeExportsInPieces(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	setCreditLimitTB(t, e, 10_000_000_000)
	id, _, err := e.svc.Create(ctx, 1, order(gsid(1000, 1, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	w := &chunks{}
	if err := e.svc.WriteOrderCodesCSV(ctx, w, 1, id, "ja", voucher.UTF8BOM); err != nil {
		t.Fatal(err)
	}
	if w.writes < 5 || w.largest > 40<<10 || !bytes.HasSuffix(w.last, []byte("\n")) {
		t.Errorf("%d writes, largest %d bytes", w.writes, w.largest)
	}
}

type chunks struct {
	writes, largest int
	last            []byte
}

func (c *chunks) Write(p []byte) (int, error) {
	c.writes++
	c.largest = max(c.largest, len(p))
	c.last = append(c.last[:0], p...)
	return len(p), nil
}

func mustExec(t *testing.T, e *env, sql string, args ...any) {
	t.Helper()
	if _, err := e.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

// The reference: the exports as first written, with encoding/csv.

type refCSV struct {
	w    *csv.Writer
	sjis *encoding.Encoder
}

func newRefCSV(out io.Writer, enc voucher.Encoding) *refCSV {
	c := &refCSV{}
	if enc == voucher.ShiftJIS {
		c.sjis = japanese.ShiftJIS.NewEncoder()
		out = japanese.ShiftJIS.NewEncoder().Writer(out)
	} else {
		out.Write([]byte("\uFEFF"))
	}
	c.w = csv.NewWriter(out)
	return c
}

func (c *refCSV) write(cells []string) {
	for i, s := range cells {
		if c.sjis != nil {
			s = strings.Map(func(r rune) rune {
				if r < 0x80 {
					return r
				}
				if _, err := c.sjis.String(string(r)); err != nil {
					return '?'
				}
				return r
			}, s)
		}
		cells[i] = csvout.Neutralize(s)
	}
	c.w.Write(cells)
}

func (c *refCSV) close() error { c.w.Flush(); return c.w.Error() }

func refTimestamp(t time.Time) string { return t.In(clock.Tokyo).Format(time.RFC3339) }

func refDate(t time.Time) string { return clock.SameDay(t).Format(time.DateOnly) }

func referenceOrders(ctx context.Context, e *env, w io.Writer, enc voucher.Encoding) error {
	rows, err := e.pool.Query(ctx, `SELECT o.id, o.customer, o.status, o.total, o.tax_rate, o.created_at, o.expires_on, o.memo
		FROM voucher_orders o WHERE o.partner_id = 1 ORDER BY o.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	out := newRefCSV(w, enc)
	out.write(append([]string(nil), voucher.OrderColumns...))
	for rows.Next() {
		var o voucher.Order
		if err := rows.Scan(&o.ID, &o.Customer, &o.Status, &o.Total, &o.TaxRate, &o.CreatedAt, &o.ExpiresOn, &o.Memo); err != nil {
			return err
		}
		status := "Completed"
		if o.Status == voucher.OrderCancelled {
			status = "Canceled"
		}
		out.write([]string{fmt.Sprint(o.ID), o.Customer, status, fmt.Sprint(int64(o.Total)), fmt.Sprint(int64(o.TotalWithTax())), "JPY",
			refTimestamp(o.CreatedAt), refDate(o.ExpiresOn), "R" + fmt.Sprint(o.ID), o.Memo})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return out.close()
}

// referenceCodes writes a codes CSV. A Used code's certificate columns
// come from its counting certificate order: the live one (pending or
// issued), else the newest; its newest certificate, and its oldest for the
// first issuance (else the approval, when it has a plan).
func referenceCodes(ctx context.Context, e *env, w io.Writer, lang string, enc voucher.Encoding, where string, args ...any) error {
	rows, err := e.pool.Query(ctx, `SELECT c.id, c.order_id, c.code, c.status, c.used_at, c.created_at, p.name_ja, p.name_en,
		l.years, l.fqdns, l.wildcards, l.ship_token, o.expires_on, o.order_date,
		co.id, co.requested_at, co.common_name, co.organization, newest.not_before, newest.not_after,
		coalesce(oldest.not_before, CASE WHEN co.plan_ends_at IS NOT NULL THEN co.decided_at END), co.plan_ends_at
		FROM voucher_codes c
		JOIN voucher_order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no
		JOIN voucher_orders o ON o.id = c.order_id
		JOIN products p ON p.id = l.product_id
		LEFT JOIN certificate_orders co ON c.status = 'used' AND co.id = (SELECT x.id FROM certificate_orders x WHERE x.voucher_code_id = c.id
			ORDER BY CASE WHEN x.status IN ('pending', 'issued') THEN 0 ELSE 1 END, x.id DESC LIMIT 1)
		LEFT JOIN certificates newest ON newest.id = (SELECT max(x.id) FROM certificates x WHERE x.order_id = co.id)
		LEFT JOIN certificates oldest ON oldest.id = (SELECT min(x.id) FROM certificates x WHERE x.order_id = co.id)
		WHERE `+where+` ORDER BY c.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	out := newRefCSV(w, enc)
	out.write(append([]string(nil), voucher.CodeColumns...))
	now := e.clock.Now()
	for rows.Next() {
		var c voucher.Code
		var ordered time.Time
		var certOrder *int64
		var requested, notBefore, notAfter, validFrom, until *time.Time
		var commonName, organization *string
		p := &c.Product
		if err := rows.Scan(&c.ID, &c.OrderID, &c.Code, &c.Status, &c.UsedAt, &c.CreatedAt, &p.NameJA, &p.NameEN,
			&c.Years, &c.FQDNs, &c.Wildcards, &c.ShipToken, &c.ExpiresOn, &ordered,
			&certOrder, &requested, &commonName, &organization, &notBefore, &notAfter, &validFrom, &until); err != nil {
			return err
		}
		ordered = clock.SameDay(ordered)
		shipping := "N/A"
		if c.ShipToken {
			shipping = "hardware_token"
		}
		// A code that was not used has empty certificate columns; one used
		// without a certificate order, its use and its voucher order's dates.
		cert := make([]string, 6) // cert_request_date … certificate_order_id
		orderFrom, orderTill, licenses := "", "", ""
		stamp := func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return refTimestamp(*t)
		}
		day := func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(clock.Tokyo).Format(time.DateOnly)
		}
		switch {
		case c.Status == voucher.CodeUsed && certOrder != nil:
			cert = []string{stamp(requested), stamp(notBefore), stamp(notAfter), *organization, *commonName, fmt.Sprint(*certOrder)}
			orderFrom, orderTill, licenses = day(validFrom), day(until), "1"
		case c.Status == voucher.CodeUsed:
			cert[0], orderFrom, orderTill, licenses = refTimestamp(*c.UsedAt), refDate(ordered), refDate(c.ExpiresOn), "1"
		}
		days := int(ordered.AddDate(c.Years, 0, 0).Sub(ordered).Hours() / 24)
		row := []string{fmt.Sprint(c.ID), c.Code, c.Product.Name(lang), strconv.Itoa(c.FQDNs), strconv.Itoa(c.Wildcards), shipping,
			strconv.Itoa(c.Years), strconv.Itoa(days), c.Shown(now), refTimestamp(c.CreatedAt), fmt.Sprint(c.OrderID)}
		row = append(append(row, cert...), refDate(c.ExpiresOn), orderFrom, orderTill, licenses)
		out.write(row)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return out.close()
}

// BenchmarkUsedCodesCSVWithCertificates streams the used-codes CSV of
// 1,000,000 codes that all have certificate orders (seedCertificates) and
// reports rows/s and the peak heap while it runs.
func BenchmarkUsedCodesCSVWithCertificates(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	seedOrders(b, e, 1000, 1000)
	if _, err := e.pool.Exec(ctx, `UPDATE voucher_codes SET status = 'used', used_at = now() - (id % 1000) * interval '1 second'`); err != nil {
		b.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `VACUUM ANALYZE voucher_codes`); err != nil {
		b.Fatal(err)
	}
	seedCertificates(b, e)
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
