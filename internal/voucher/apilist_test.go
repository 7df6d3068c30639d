package voucher_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ccp-partner/portal/internal/voucher"
)

// TestOrdersWindowMatchesTheKeysetPages: every window of 4 at every offset
// is the same orders as the keyset pages, with the same total, with and
// without a status filter.
func TestOrdersWindowMatchesTheKeysetPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range 11 {
		id, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme)
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if err := e.svc.Cancel(ctx, 1, id, acme); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range []voucher.ListFilter{{}, {Status: voucher.OrderCancelled}, {Status: voucher.OrderCompleted}} {
		var all []int64
		for page := (voucher.ListFilter{Status: f.Status, Limit: 200}); ; {
			orders, next, err := e.svc.Orders(ctx, 1, page)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range orders {
				all = append(all, o.ID)
			}
			if next == 0 {
				break
			}
			page.Before = next
		}
		for offset := 0; offset <= len(all)+1; offset++ {
			f.Limit = 4
			w, err := e.svc.OrdersWindow(ctx, 1, f, offset)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, o := range w.Orders {
				got = append(got, o.ID)
			}
			want := all[min(offset, len(all)):min(offset+4, len(all))]
			if !slices.Equal(got, want) || w.Total != len(all) || w.Capped {
				t.Errorf("status %q offset %d: %v (total %d), want %v (total %d)", f.Status, offset, got, w.Total, want, len(all))
			}
		}
	}
	if w, err := e.svc.OrdersWindow(ctx, 2, voucher.ListFilter{}, 0); err != nil || w.Total != 0 && w.Orders[0].PartnerID != 2 {
		t.Errorf("partner 2: %+v %v", w, err)
	}
}
