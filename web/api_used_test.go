package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/ccp-partner/portal/web/api"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestAPIUsedCodesAndOrderListPage: the used codes page through the
// database's query (pages, order, filters), and the order list answers
// any offset with its total.
func TestAPIUsedCodesAndOrderListPage(t *testing.T) {
	env := webtest.Start(t)
	key := apiKey(t, env, "acme-admin", "acme-admin")
	var a, b api.OrderJSON
	call(t, env, "POST", "/voucher", key, oneVoucher(12)).decode(t, &a)
	call(t, env, "POST", "/voucher", key, oneVoucher(9)).decode(t, &b)
	if _, err := env.App.Pool.Exec(context.Background(), `UPDATE voucher_codes SET status = 'used', used_at = now()
		WHERE order_id IN ($1, $2) AND id % 3 <> 0`, a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, o := range []api.OrderJSON{a, b} {
		for _, c := range o.Codes {
			if c.ID%3 != 0 {
				want = append(want, c.ID)
			}
		}
	}
	slices.Sort(want)
	slices.Reverse(want)
	var got []int64
	for offset := 0; offset < len(want)+5; offset += 5 {
		var page api.UsedCodes
		res := call(t, env, "GET", fmt.Sprintf("/voucher/download/used-codes?sort=-id&limit=5&offset=%d", offset), key, nil)
		res.decode(t, &page)
		if res.Status != http.StatusOK || page.Page.Total != len(want) || page.Page.Offset != offset {
			t.Fatalf("offset %d: %d %s", offset, res.Status, res.Body)
		}
		for _, c := range page.Codes {
			if c.Status != "used" || c.CertRequestDate == "" || c.ProductName == "" || c.ServerLicenses != 1 {
				t.Errorf("code %+v", c)
			}
			got = append(got, c.ID)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages by -id: %v, want %v", got, want)
	}
	var only api.UsedCodes
	call(t, env, "GET", fmt.Sprintf("/voucher/download/used-codes?filters[voucher_order_id]=%d&filters[product_name_id]=ssl_global_server_id&limit=1000", b.ID), key, nil).decode(t, &only)
	if len(only.Codes) != 6 || only.Page.Total != 6 || only.Codes[0].OrderID != b.ID || only.Codes[0].ID > only.Codes[1].ID {
		t.Errorf("filtered by order %d: %+v", b.ID, only)
	}
	call(t, env, "GET", "/voucher/download/used-codes?filters[product_name_id]=ssl_basic_ev", key, nil).decode(t, &only)
	if len(only.Codes) != 0 || only.Page.Total != 0 {
		t.Errorf("filtered by another product: %+v", only)
	}
	assertDigiCertError(t, "unknown sort", call(t, env, "GET", "/voucher/download/used-codes?sort=value", key, nil), http.StatusUnprocessableEntity)
	assertDigiCertError(t, "bad order filter", call(t, env, "GET", "/voucher/download/used-codes?filters[voucher_order_id]=x", key, nil), http.StatusUnprocessableEntity)

	var first, second api.OrderList
	call(t, env, "GET", "/voucher?limit=1", key, nil).decode(t, &first)
	call(t, env, "GET", "/voucher?limit=1&offset=1", key, nil).decode(t, &second)
	if len(first.VoucherOrders) != 1 || first.VoucherOrders[0].ID != b.ID || len(second.VoucherOrders) != 1 ||
		second.VoucherOrders[0].ID >= b.ID || first.Page.Total < 2 || first.Page.Total != second.Page.Total {
		t.Errorf("order list pages: %+v then %+v", first, second)
	}
}
