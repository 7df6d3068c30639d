package voucher_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/voucher"
)

// usedRow is what the test knows of a Used code, read without the query
// under test.
type usedRow struct {
	id, order int64
	product   string
	usedAt    time.Time
	createdAt time.Time
}

// TestUsedCodesPagesSortsAndFilters pages through 126 Used codes (among
// Active ones, another partner's and several products) seven at a time in
// every sort column and direction, with and without each filter, and
// compares the concatenated pages with the codes sorted in Go.
func TestUsedCodesPagesSortsAndFilters(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	setCreditLimit(t, e, 1_000_000_000)
	var orders []int64
	for _, line := range []voucher.LineInput{gsid(40, 1, 0), gsid(60, 2, 0), {ProductID: 3, Years: 1, FQDNs: 1, Quantity: 50}, gsid(18, 1, 0)} {
		id, _, err := e.svc.Create(ctx, 1, order(line), acme)
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, id)
	}
	// Three codes in four become Used, at times that do not follow the ids
	// (with ties); the rest stay Active.
	mustExec(t, e, `UPDATE voucher_codes SET status = 'used',
		used_at = timestamptz '2025-04-01 09:00+09' + ((id * 37) % 23) * interval '1 minute',
		created_at = created_at + ((id * 11) % 5) * interval '1 second'
		WHERE partner_id = 1 AND id % 4 <> 0`)
	rows, err := e.pool.Query(ctx, `SELECT c.id, c.order_id, p.code, c.used_at, c.created_at FROM voucher_codes c
		JOIN voucher_order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no JOIN products p ON p.id = l.product_id
		WHERE c.partner_id = 1 AND c.status = 'used'`)
	if err != nil {
		t.Fatal(err)
	}
	var all []usedRow
	for rows.Next() {
		var r usedRow
		if err := rows.Scan(&r.id, &r.order, &r.product, &r.usedAt, &r.createdAt); err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	if len(all) < 120 {
		t.Fatalf("only %d used codes", len(all))
	}
	key := map[string]func(a, b usedRow) int{
		"id":                func(a, b usedRow) int { return 0 },
		"voucher_order_id":  func(a, b usedRow) int { return cmp.Compare(a.order, b.order) },
		"cert_request_date": func(a, b usedRow) int { return a.usedAt.Compare(b.usedAt) },
		"created_date":      func(a, b usedRow) int { return a.createdAt.Compare(b.createdAt) },
	}
	type filter struct {
		name string
		f    voucher.UsedFilter
		keep func(usedRow) bool
	}
	product3 := func() string {
		for _, r := range all {
			if r.order == orders[2] {
				return r.product
			}
		}
		return ""
	}()
	filters := []filter{
		{"none", voucher.UsedFilter{}, func(usedRow) bool { return true }},
		{"order", voucher.UsedFilter{OrderID: orders[1]}, func(r usedRow) bool { return r.order == orders[1] }},
		{"product", voucher.UsedFilter{Product: product3}, func(r usedRow) bool { return r.product == product3 }},
		{"product of no code", voucher.UsedFilter{Product: "ssl_basic_ev"}, func(usedRow) bool { return false }},
		{"other partner's order", voucher.UsedFilter{OrderID: -1}, func(usedRow) bool { return false }},
	}
	for _, fl := range filters {
		for _, sortBy := range voucher.UsedSorts {
			for _, desc := range []bool{false, true} {
				var want []int64
				sorted := slices.Clone(all)
				slices.SortFunc(sorted, func(a, b usedRow) int {
					c := cmp.Or(key[sortBy](a, b), cmp.Compare(a.id, b.id))
					if desc {
						return -c
					}
					return c
				})
				for _, r := range sorted {
					if fl.keep(r) {
						want = append(want, r.id)
					}
				}
				var got []int64
				for offset := 0; ; offset += 7 {
					f := fl.f
					f.Sort, f.Desc, f.Limit, f.Offset = sortBy, desc, 7, offset
					p, err := e.svc.UsedCodes(ctx, 1, f)
					if err != nil {
						t.Fatal(err)
					}
					if p.Total != len(want) || p.Capped {
						t.Fatalf("%s by %s desc=%v: total %d, want %d", fl.name, sortBy, desc, p.Total, len(want))
					}
					for _, c := range p.Codes {
						got = append(got, c.ID)
					}
					if len(p.Codes) < 7 {
						break
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s by %s desc=%v:\n got %v\nwant %v", fl.name, sortBy, desc, got, want)
				}
			}
		}
	}
	// A page's codes carry what they were ordered for.
	p, err := e.svc.UsedCodes(ctx, 1, voucher.UsedFilter{OrderID: orders[1], Limit: 1})
	if err != nil || len(p.Codes) != 1 {
		t.Fatalf("%+v %v", p, err)
	}
	c := p.Codes[0]
	if c.OrderID != orders[1] || c.FQDNs != 2 || c.Years != 1 || c.ProductCode != "ssl_global_server_id" ||
		c.ProductName("en") == "" || !c.UsedAt.Valid || c.ValidityDays() < 365 || len(c.Code) != 32 {
		t.Errorf("code %+v", c)
	}
	// Another partner sees none of them.
	if p, err := e.svc.UsedCodes(ctx, 2, voucher.UsedFilter{}); err != nil || p.Total != 0 || len(p.Codes) != 0 {
		t.Errorf("partner 2: %+v %v", p, err)
	}
	if _, err := e.svc.UsedCodes(ctx, 1, voucher.UsedFilter{Sort: "value; DROP TABLE x"}); !errors.Is(err, voucher.ErrUsedSort) {
		t.Errorf("unknown sort: %v", err)
	}
}

// BenchmarkUsedCodesFirstPage reads the first API page (100) of a partner
// with 100,000 Used codes (total counted up to UsedCountAhead past the
// page), by id both ways, a page 50,000 deep in the id order, the first page
// by request date (no index: a top-N sort over every Used code) and one
// order's codes. Every code has its certificate orders (seedCertificates),
// which only the page's codes read.
func BenchmarkUsedCodesFirstPage(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	seedOrders(b, e, 100, 1000)
	if _, err := e.pool.Exec(ctx, `UPDATE voucher_codes SET status = 'used', used_at = now() - (id % 1000) * interval '1 second'`); err != nil {
		b.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `VACUUM ANALYZE voucher_codes`); err != nil {
		b.Fatal(err)
	}
	seedCertificates(b, e)
	for _, c := range []struct {
		name string
		f    voucher.UsedFilter
	}{
		{"id", voucher.UsedFilter{}},
		{"id-desc", voucher.UsedFilter{Desc: true}},
		{"offset-50000", voucher.UsedFilter{Offset: 50_000}},
		{"cert_request_date", voucher.UsedFilter{Sort: "cert_request_date", Desc: true}},
		{"order-filter", voucher.UsedFilter{OrderID: 50}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				p, err := e.svc.UsedCodes(ctx, 1, c.f)
				if err != nil || len(p.Codes) != 100 || c.f.OrderID == 0 && (!p.Capped || p.Total != c.f.Offset+100+voucher.UsedCountAhead) {
					b.Fatalf("%d codes of %d, %v", len(p.Codes), p.Total, err)
				}
			}
		})
	}
}
