package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestBalanceHistoryPagesNewestFirstWithTheRunningBalanceOnEveryPage:
// 120 adjustments of −¥1 … −¥120 make three pages of 50, 50 and 20; every
// row's running balance is the sum of the entries up to it, the filters
// stay on the next pages, and nothing is read twice or skipped.
func TestBalanceHistoryPagesNewestFirstWithTheRunningBalanceOnEveryPage(t *testing.T) {
	env := webtest.Start(t)
	ctx := context.Background()
	for i := 1; i <= 120; i++ {
		if _, err := ledger.Append(ctx, env.App.Pool, ledger.Entry{PartnerID: 1, At: env.App.Clock.Now(),
			Kind: ledger.Adjustment, Amount: money.Yen(-i), Reason: fmt.Sprint("adj ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	c := env.Login(t, "acme-finance")
	path := "/finance/balance?kind=adjustment"
	var amounts []int
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("more than three pages")
		}
		page := c.Get(path)
		if page.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, page.Status)
		}
		page.Doc.Find("#ledger tbody tr").Each(func(_ int, row *goquery.Selection) {
			n := len(amounts) // 0 is the newest: −¥120, whose running balance is the sum of all
			want := -(120 - n) * (121 - n) / 2
			if got := row.Find("td.running").Text(); got != money.Yen(want).String() {
				t.Errorf("row %d: running %s, want %s", n, got, money.Yen(want))
			}
			amounts = append(amounts, 120-n)
		})
		path, _ = page.Doc.Find("#ledger-next").Attr("href")
		if path != "" && !strings.Contains(path, "kind=adjustment") {
			t.Errorf("the next page lost the filter: %s", path)
		}
	}
	if len(amounts) != 120 {
		t.Errorf("%d entries over the pages, want 120", len(amounts))
	}
}

func TestTheBalancePageShowsTheLastInvoice(t *testing.T) {
	env := closedMonth(t)
	page := env.Login(t, "acme-admin").Get("/finance/balance")
	if got := page.Doc.Find("#last-invoice").Text(); !strings.Contains(got, "INV0000001") || !strings.Contains(got, "¥2,189") {
		t.Errorf("last invoice: %q", got)
	}
	if got := page.Doc.Find("#current-balance").Text(); got != "¥0" {
		t.Errorf("current balance after the close: %q", got)
	}
}
