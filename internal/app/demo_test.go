package app_test

import (
	"context"
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/voucher"
)

// TestTheDemoHasThreeMonthsOfRealHistory: the demo's months are made by
// the services, so a first look at Finance shows real documents.
func TestTheDemoHasThreeMonthsOfRealHistory(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	if err := a.LoadDemo(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if off := a.TestClock.Offset(); off > time.Second || off < -time.Second {
		t.Errorf("business time not put back: offset %s", off)
	}
	now := a.Clock.Now()
	statuses := map[billing.Status]int{}
	for _, p := range []int64{1, 2} {
		invs, err := a.Billing.Invoices(ctx, billing.InvoiceFilter{PartnerID: p})
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range invs {
			statuses[inv.StatusOn(now)]++
			if _, err := a.Billing.DocumentOf(ctx, p, inv.Number); err != nil {
				t.Errorf("%s has no stored PDF: %v", inv.Number, err)
			}
		}
	}
	if statuses[billing.StatusPaid] == 0 || statuses[billing.StatusOverdue] == 0 || statuses[billing.StatusUnpaid] == 0 {
		t.Errorf("invoice statuses %v: want one paid, one overdue and one unpaid at least", statuses)
	}
	var earlierCancellations int
	if err := a.Pool.QueryRow(ctx, `SELECT count(*) FROM ledger_entries l JOIN voucher_orders o ON o.id = l.voucher_order_id
		WHERE l.kind = 'cancellation_credit' AND date_trunc('month', l.at AT TIME ZONE 'Asia/Tokyo') > date_trunc('month', o.created_at AT TIME ZONE 'Asia/Tokyo')`).
		Scan(&earlierCancellations); err != nil || earlierCancellations != 1 {
		t.Errorf("cancellations of an earlier month's order: %d, %v", earlierCancellations, err)
	}
	var attached int
	if err := a.Pool.QueryRow(ctx, `SELECT count(DISTINCT message_id) FROM mail_attachments`).Scan(&attached); err != nil || attached < 6 {
		t.Errorf("%d emails with a document attached, want the invoices' and statements' (≥ 6): %v", attached, err)
	}
	if err := a.LoadDemo(ctx, "x"); !errors.Is(err, demo.ErrAlreadyLoaded) {
		t.Errorf("loading twice: %v", err)
	}
}

// TestTheDemoLeavesAnEndUserACodeToRedeem: the demo's end user signs in
// with the demo password and already holds an issued certificate; Acme
// keeps Active codes, and the printed link opens one of them.
func TestTheDemoLeavesAnEndUserACodeToRedeem(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	hash, err := auth.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.LoadDemo(ctx, hash); err != nil {
		t.Fatal(err)
	}
	token, err := a.Subscribers.Login(ctx, demo.EndUser.Email, demo.Password, netip.Addr{}, "")
	if err != nil {
		t.Fatalf("the end user's sign-in: %v", err)
	}
	sub, err := a.Subscribers.Lookup(ctx, token)
	if err != nil || sub.Name != demo.EndUser.Name || sub.Language != "ja" {
		t.Fatalf("the end user's session: %+v, %v", sub, err)
	}
	orders, err := a.Certificates.SubscriberOrders(ctx, *sub, 0)
	if err != nil || len(orders.Orders) != 1 {
		t.Fatalf("the end user's certificate orders: %d, %v", len(orders.Orders), err)
	}
	o, err := a.Certificates.SubscriberOrder(ctx, *sub, orders.Orders[0].ID)
	if err != nil || o.Status != certificate.Issued || o.Current() == nil || o.PartnerID != 1 {
		t.Errorf("the end user's order: %s with %d certificates, partner %d, %v", o.Status, len(o.Certificates), o.PartnerID, err)
	}

	// Acme's Active codes, by order.
	now := a.Clock.Now()
	active := map[int64]int{}
	list, _, err := a.Vouchers.Orders(ctx, 1, voucher.ListFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, vo := range list {
		codes, err := a.Vouchers.Codes(ctx, 1, vo.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range codes {
			if c.Shown(now) == voucher.CodeActive {
				active[vo.ID]++
				total++
			}
		}
	}
	if total < 3 || active[list[0].ID] < 3 {
		t.Errorf("Acme has %d Active codes, %d in its newest order; want 3 at least in each", total, active[list[0].ID])
	}

	link, err := a.DemoRedemptionLink(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prefix := a.Config.BaseURL + "/secure/requests/ssl_certificate/"
	if !strings.HasPrefix(link, prefix) {
		t.Fatalf("the link %q does not start with %s", link, prefix)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	product, code := strings.TrimPrefix(u.Path, "/secure/requests/ssl_certificate/"), u.Query().Get("vc")
	c, err := a.Vouchers.CheckRedemption(ctx, code, product)
	if err != nil {
		t.Fatalf("the printed link %s: %v", link, err)
	}
	if c.PartnerID != 1 || !c.Product.TakesFQDNs || (c.Product.Kind != "dv" && c.Product.Kind != "ov") {
		t.Errorf("the link's code: partner %d, product %s (%s)", c.PartnerID, c.Product.Code, c.Product.Kind)
	}
	if c.OrderID != list[0].ID || product != "ssl_geotrust_dv" {
		t.Errorf("the link's code is of order %d, product %s; want the newest (%d), GeoTrust DV", c.OrderID, product, list[0].ID)
	}
}
