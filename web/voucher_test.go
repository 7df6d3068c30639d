package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/webtest"
)

// orderForm is the new-order form as the browser posts it, with the key
// the page carries and the given lines ("productID:years", q, f, w).
func orderForm(t *testing.T, c *webtest.Client, lines ...[4]string) url.Values {
	t.Helper()
	form := webtest.FormValues(c.Get("/finance/vouchers/new").Doc, "#voucher-form")
	for k := range form {
		if strings.HasPrefix(k, "line") {
			form.Del(k)
		}
	}
	for i, l := range lines {
		form.Set(voucher.LineField(i, "product"), l[0])
		form.Set(voucher.LineField(i, "quantity"), l[1])
		form.Set(voucher.LineField(i, "fqdns"), l[2])
		form.Set(voucher.LineField(i, "wildcards"), l[3])
	}
	return form
}

func placeOrder(t *testing.T, c *webtest.Client, lines ...[4]string) string {
	t.Helper()
	res := c.PostForm("/finance/vouchers", orderForm(t, c, lines...))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("order: %d %s %s", res.Status, res.Doc.Find("#refusal").Text(), res.Doc.Find(".field-error").Text())
	}
	return res.Location
}

func TestTheManualsPatternsOnScreen(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	cases := []struct {
		line  [4]string
		codes int
		total string
	}{
		{[4]string{"1:1", "1", "1", "0"}, 1, "¥995"},
		{[4]string{"1:1", "1", "5", "0"}, 1, "¥4,975"},
		{[4]string{"1:1", "1", "0", "1"}, 1, "¥5,000"},
		{[4]string{"1:1", "2", "4", "1"}, 2, "¥17,960"},
	}
	for _, tc := range cases {
		page := c.Get(placeOrder(t, c, tc.line))
		if n := page.Doc.Find("#codes tbody tr").Length(); n != tc.codes {
			t.Errorf("%v: %d codes, want %d", tc.line, n, tc.codes)
		}
		if got := page.Doc.Find("#order-facts").Text(); !strings.Contains(got, tc.total) {
			t.Errorf("%v: total not %s in %q", tc.line, tc.total, got)
		}
		page.Doc.Find("#codes td.code").Each(func(_ int, s *goquery.Selection) {
			if len(strings.TrimSpace(s.Text())) != 10 || !strings.HasSuffix(strings.TrimSpace(s.Text()), "*****") {
				t.Errorf("code not masked: %q", s.Text())
			}
		})
	}
	receipt := c.Get("/finance/vouchers/4/receipt")
	if receipt.Doc.Find("#subtotal").Text() != "¥17,960" || receipt.Doc.Find("#tax").Text() != "¥1,796" || receipt.Doc.Find("#total-with-tax").Text() != "¥19,756" {
		t.Errorf("receipt: %q %q %q", receipt.Doc.Find("#subtotal").Text(), receipt.Doc.Find("#tax").Text(), receipt.Doc.Find("#total-with-tax").Text())
	}
	env.AssertOtherPartnerGets404(t, "acme-admin", "/finance/vouchers/4/receipt")
	list := c.Get("/finance/vouchers")
	if n := list.Doc.Find("#orders tbody tr").Length(); n != 4 {
		t.Errorf("list shows %d orders", n)
	}
	if list.Doc.Find("#orders td.cancellable").First().Text() == "" {
		t.Error("no cancellable-until date")
	}
}

func TestPostingTheSameFormTwiceMakesOneOrder(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-finance")
	form := orderForm(t, c, [4]string{"1:1", "3", "1", "0"})
	first := c.PostForm("/finance/vouchers", form)
	second := c.PostForm("/finance/vouchers", form)
	if first.Status != http.StatusSeeOther || second.Location != first.Location {
		t.Fatalf("first → %s, second → %d %s", first.Location, second.Status, second.Location)
	}
	var orders int
	env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM voucher_orders`).Scan(&orders)
	if orders != 1 {
		t.Errorf("%d orders", orders)
	}
	if msgs := env.Outbox(t); len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "billing@acme.example,acme-finance@acme.example" ||
		!strings.Contains(msgs[0].Subject, "order 1") {
		t.Errorf("delivery mail: %+v", msgs)
	}
}

func TestOrderFormRefusalsShowMessagesAndWriteNothing(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	cases := []struct {
		name  string
		lines [][4]string
		sel   string
	}{
		{"quantity", [][4]string{{"1:1", "0", "1", "0"}}, "#e-line0_quantity"},
		{"too many names", [][4]string{{"1:1", "1", "200", "51"}}, "#e-line0_fqdns"},
		{"no names", [][4]string{{"1:1", "1", "0", "0"}}, "#e-line0_fqdns"},
		{"not in contract", [][4]string{{"1:5", "1", "1", "0"}}, "#e-line0_product"},
		{"second line bad", [][4]string{{"1:1", "1", "1", "0"}, {"2:1", "1", "1", "1"}}, "#e-line1_wildcards"},
		{"over the credit limit", [][4]string{{"14:2", "1000", "250", "0"}}, "#refusal"},
	}
	for _, tc := range cases {
		before := env.Fingerprint(t)
		res := c.PostForm("/finance/vouchers", orderForm(t, c, tc.lines...))
		if res.Status != http.StatusUnprocessableEntity || !webtest.IsTranslated(res.Doc.Find(tc.sel).Text()) {
			t.Errorf("%s: %d, %s = %q", tc.name, res.Status, tc.sel, res.Doc.Find(tc.sel).Text())
		}
		if env.Fingerprint(t) != before {
			t.Errorf("%s wrote something", tc.name)
		}
	}
	// Globex has no billing contact: the form says so and refuses.
	g := env.Login(t, "globex-admin")
	form := orderForm(t, g, [4]string{"1:1", "1", "1", "0"})
	if res := g.PostForm("/finance/vouchers", form); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Doc.Find("#refusal").Text(), "billing contact") {
		t.Errorf("without a billing contact: %d %q", res.Status, res.Doc.Find("#refusal").Text())
	}
}

func TestCancelAndReissueThroughThePages(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "2", "1", "0"})
	late := placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	page := c.Get(order)
	if page.Doc.Find("#cancel-order").Length() != 1 {
		t.Fatal("no cancel link")
	}
	confirm := c.Get(order + "/cancel")
	if confirm.Status != http.StatusOK || confirm.Doc.Find("#confirm-cancel").Length() != 1 {
		t.Fatalf("cancel confirmation: %d", confirm.Status)
	}
	if res := c.PostForm(order+"/cancel", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.Status)
	}
	page = c.Get(order)
	if page.Doc.Find("#order-status").Text() != "Cancelled" || page.Doc.Find("td.code-status").First().Text() != "Cancelled" {
		t.Errorf("after cancel: %q / %q", page.Doc.Find("#order-status").Text(), page.Doc.Find("td.code-status").First().Text())
	}
	// A forged cancel after 30 days is refused and changes nothing.
	if err := env.App.TestClock.Advance(context.Background(), voucher.CancelWindow+time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	c = env.Login(t, "acme-admin") // the clock moved past the idle timeout
	before := env.Fingerprint(t)
	if res := c.PostForm(late+"/cancel", nil); res.Status != http.StatusConflict {
		t.Errorf("cancel after 30 days: %d", res.Status)
	}
	if c.Get(late).Doc.Find("#cancel-order").Length() != 0 {
		t.Error("cancel still offered after 30 days")
	}
	if env.Fingerprint(t) != before {
		t.Error("the refused cancel wrote something")
	}
	// Reissue the late order's code; the old code is no longer found.
	row := c.Get(late + "?codes=show").Doc.Find("#codes tbody tr").First()
	oldCode := strings.TrimSpace(row.Find("td.code").Text())
	reissue := row.Find("a.reissue").AttrOr("href", "")
	if res := c.PostForm(reissue, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("reissue: %d", res.Status)
	}
	if res := c.Get("/finance/vouchers?code=" + oldCode); res.Status != http.StatusOK || res.Doc.Find("#code-not-found").Length() != 1 {
		t.Errorf("search for the reissued-away code: %d", res.Status)
	}
	newCode := strings.TrimSpace(c.Get(late + "?codes=show").Doc.Find("#codes td.code code").First().Text())
	if res := c.Get("/finance/vouchers?code=" + strings.ToLower(newCode)); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, late) {
		t.Errorf("search for the new code: %d %s", res.Status, res.Location)
	}
}

func TestVoucherPagesBelongToTheirPartner(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	codeID := c.Get(order).Doc.Find("#codes tbody tr").AttrOr("data-code-id", "")
	for _, path := range []string{order, order + "/cancel", "/finance/codes/" + codeID + "/reissue"} {
		env.AssertOtherPartnerGets404(t, "acme-admin", path)
	}
	g := env.Login(t, "globex-admin")
	before := env.Fingerprint(t)
	for _, path := range []string{order + "/cancel", "/finance/codes/" + codeID + "/reissue"} {
		if res := g.PostForm(path, nil); res.Status != http.StatusNotFound {
			t.Errorf("globex POST %s: %d", path, res.Status)
		}
	}
	if env.Fingerprint(t) != before {
		t.Error("another partner's POST changed something")
	}
	if res := env.Login(t, "acme-user").Get("/finance/vouchers"); res.Status != http.StatusForbidden {
		t.Errorf("a Standard User sees vouchers: %d", res.Status)
	}
}

func TestBalanceHistoryShowsFiguresAndRunningBalance(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	a := placeOrder(t, c, [4]string{"1:1", "1", "5", "0"})
	placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	c.PostForm(a+"/cancel", nil)
	page := c.Get("/finance/balance")
	if got := page.Doc.Find("#current-balance").Text(); got != "-¥995" {
		t.Errorf("current balance %q", got)
	}
	if got := page.Doc.Find("#available").Text(); got != "¥4,999,005" {
		t.Errorf("available %q", got)
	}
	var running []string
	page.Doc.Find("#ledger td.running").Each(func(_ int, s *goquery.Selection) { running = append(running, s.Text()) })
	if fmt.Sprint(running) != "[-¥995 -¥5,970 -¥4,975]" { // newest first
		t.Errorf("running balance %v", running)
	}
	credits := c.Get("/finance/balance?kind=cancellation_credit")
	if n := credits.Doc.Find("#ledger tbody tr").Length(); n != 1 || credits.Doc.Find("td.running").Text() != "-¥995" {
		t.Errorf("filtered: %d rows, running %q", n, credits.Doc.Find("td.running").Text())
	}
}
