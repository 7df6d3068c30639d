package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/demo"
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
