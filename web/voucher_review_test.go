package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestCancelledVouchersOfferNoPDF: a cancelled order's page offers neither
// the PDF of all its codes nor one per code; a completed order offers both,
// and after a reissue only the new code (the old one is not listed).
func TestCancelledVouchersOfferNoPDF(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	kept := placeOrder(t, c, [4]string{"1:1", "2", "1", "0"})
	cancelled := placeOrder(t, c, [4]string{"1:1", "2", "1", "0"})
	page := c.Get(kept)
	if page.Doc.Find("#order-pdf").Length() != 1 || page.Doc.Find("#codes a.code-pdf").Length() != 2 {
		t.Fatalf("a completed order: %d order PDF links, %d code PDF links", page.Doc.Find("#order-pdf").Length(), page.Doc.Find("#codes a.code-pdf").Length())
	}
	if res := c.PostForm(cancelled+"/cancel", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.Status)
	}
	page = c.Get(cancelled + "?codes=show")
	if page.Doc.Find("#order-pdf").Length() != 0 || page.Doc.Find(`#codes a[href$="voucher.pdf"]`).Length() != 0 {
		t.Errorf("a cancelled order offers PDFs: %d order, %d code links", page.Doc.Find("#order-pdf").Length(),
			page.Doc.Find(`#codes a[href$="voucher.pdf"]`).Length())
	}
	if n := page.Doc.Find("#codes tbody tr").Length(); n != 2 {
		t.Errorf("the cancelled order lists %d codes", n)
	}
	// Reissued: the new code has its PDF; no link leads to the old code's.
	row := c.Get(kept).Doc.Find("#codes tbody tr").First()
	oldID := row.AttrOr("data-code-id", "")
	if res := c.PostForm(row.Find("a.reissue").AttrOr("href", ""), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("reissue: %d", res.Status)
	}
	page = c.Get(kept)
	if page.Doc.Find(`a[href="/finance/codes/`+oldID+`/voucher.pdf"]`).Length() != 0 || page.Doc.Find("#codes a.code-pdf").Length() != 2 {
		t.Errorf("after a reissue: %d code PDF links", page.Doc.Find("#codes a.code-pdf").Length())
	}
}

// TestReissueShowsTheWholeCodeFirstAndAfterwards: the confirmation shows
// the whole code with the manual's warning to note it down; the new code's
// row says which code it replaced; the audit entry names both, in Japanese
// and in English.
func TestReissueShowsTheWholeCodeFirstAndAfterwards(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "2", "1", "0"})
	for _, lang := range []string{"ja", "en"} {
		c.PostForm("/language", url.Values{"lang": {lang}})
		row := c.Get(order + "?codes=show").Doc.Find("#codes tbody tr").First()
		oldCode := strings.TrimSpace(row.Find("td.code code").Text())
		confirmPath := row.Find("a.reissue").AttrOr("href", "")
		confirm := c.Get(confirmPath)
		warning := confirm.Doc.Find("#reissue-warning").Text()
		if got := strings.TrimSpace(confirm.Doc.Find("#old-code").Text()); got != oldCode || len(got) != 32 {
			t.Errorf("%s: the confirmation shows %q, want %q", lang, got, oldCode)
		}
		if wantWarning := map[string]string{"ja": "お手元にお控えください", "en": "write down the original code"}[lang]; !strings.Contains(warning, wantWarning) {
			t.Errorf("%s: warning %q", lang, warning)
		}
		if strings.Contains(confirm.Body, "*****") {
			t.Errorf("%s: the confirmation still masks the code", lang)
		}
		res := c.PostForm(confirmPath, nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("reissue: %d", res.Status)
		}
		fragment := res.Location[strings.Index(res.Location, "#")+1:]
		newRow := c.Get(order).Doc.Find("#" + fragment)
		want := map[string]string{"ja": "再発行元: " + oldCode, "en": "Reissued from " + oldCode}[lang]
		if got := strings.TrimSpace(newRow.Find(".reissued-from").Text()); got != want {
			t.Errorf("%s: the new code's row says %q, want %q", lang, got, want)
		}
		if strings.Contains(c.Get(order+"?codes=show").Doc.Find("#codes td.code code").Text(), oldCode) {
			t.Errorf("%s: the old code is still listed as a code", lang)
		}
		entries, err := audit.List(context.Background(), env.App.Pool, audit.Filter{PartnerID: 1, Action: audit.VoucherCodeReissued, Limit: 1})
		if err != nil || len(entries) != 1 || entries[0].Details["old_code"] != oldCode ||
			fmt.Sprint(entries[0].Details["new_code_id"]) != strings.TrimPrefix(fragment, "code-") {
			t.Errorf("%s: audit entries %+v (%v)", lang, entries, err)
		}
	}
}

// TestAccountCodeSearchTakesFiveCharacters: the voucher list's code search
// refuses fewer than five characters with a translated message.
func TestAccountCodeSearchTakesFiveCharacters(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	code := strings.TrimSpace(c.Get(order + "?codes=show").Doc.Find("#codes td.code code").Text())
	for _, lang := range []string{"en", "ja"} {
		c.PostForm("/language", url.Values{"lang": {lang}})
		res := c.Get("/finance/vouchers?code=" + code[:4])
		msg := res.Doc.Find("#e-code").Text()
		if res.Status != http.StatusOK || !webtest.IsTranslated(msg) || !strings.Contains(msg, map[string]string{"en": "five", "ja": "5"}[lang]) ||
			res.Doc.Find("#code-not-found").Length() != 0 {
			t.Errorf("%s: a four-character search: %d %q", lang, res.Status, msg)
		}
	}
	if res := c.Get("/finance/vouchers?code=" + code); res.Status != http.StatusSeeOther {
		t.Errorf("the whole code: %d", res.Status)
	}
}

// TestOrderListToDateIsInclusive: filtering to a date lists the order
// placed on it a minute before midnight in Japan, not the one placed a
// minute after; the filtered CSV says the same.
func TestOrderListToDateIsInclusive(t *testing.T) {
	env := webtest.Start(t)
	ctx := context.Background()
	day := clock.Date(env.App.Clock.Now()).AddDate(0, 0, 1)
	place := func(at time.Time) string {
		t.Helper()
		if err := env.App.TestClock.Set(ctx, at, nil); err != nil {
			t.Fatal(err)
		}
		c := env.Login(t, "acme-admin") // a moved clock may have ended the session
		return strings.TrimPrefix(placeOrder(t, c, [4]string{"1:1", "1", "1", "0"}), "/finance/vouchers/")
	}
	onTheDay := place(day.Add(24*time.Hour - time.Minute))
	nextDay := place(day.Add(24*time.Hour + time.Minute))
	c := env.Login(t, "acme-admin")
	date, next := day.Format(time.DateOnly), day.AddDate(0, 0, 1).Format(time.DateOnly)
	for query, want := range map[string]string{"to=" + date: onTheDay, "from=" + date + "&to=" + date: onTheDay, "from=" + next: nextDay} {
		var listed []string
		c.Get("/finance/vouchers?" + query).Doc.Find("#orders tbody tr").Each(func(_ int, s *goquery.Selection) {
			listed = append(listed, s.AttrOr("data-order", ""))
		})
		if strings.Join(listed, ",") != want {
			t.Errorf("%s lists %v, want %s", query, listed, want)
		}
		rows := readCSV(t, c.Get("/finance/vouchers.csv?"+query).Body)
		if len(rows) != 2 || rows[1][0] != want {
			t.Errorf("%s: the CSV has %v", query, rows[1:])
		}
	}
}

// TestReadOnlyTablesShowNoInputRanges: the order page and the receipt
// head their columns without the form's ranges ("FQDN (0-250)"), which the
// order form keeps.
func TestReadOnlyTablesShowNoInputRanges(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	rangeRE := regexp.MustCompile(`\(\s*\d+\s*-\s*\d+\s*\)`)
	for _, lang := range []string{"en", "ja"} {
		c.PostForm("/language", url.Values{"lang": {lang}})
		for _, path := range []string{order, order + "/receipt"} {
			c.Get(path).Doc.Find("table th").Each(func(_ int, s *goquery.Selection) {
				if rangeRE.MatchString(s.Text()) {
					t.Errorf("%s %s: header %q", lang, path, s.Text())
				}
			})
		}
		if !rangeRE.MatchString(c.Get("/finance/vouchers/new").Doc.Find("#line-table th").Text()) {
			t.Errorf("%s: the order form lost its ranges", lang)
		}
	}
	if got := strings.TrimSpace(c.Get(order).Doc.Find("#codes th").Eq(3).Text()); got != "FQDN" {
		t.Errorf("the FQDN column reads %q", got)
	}
}

// TestAmountsKeepTheirMinusSign: amount cells are "num" cells, and the
// stylesheet keeps a num cell on one line.
func TestAmountsKeepTheirMinusSign(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	res, err := http.Get(env.URL + "/static/portal.css")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	css := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(raw), "")
	rule := regexp.MustCompile(`(?m)^([^{}]*)\{([^}]*)\}`)
	nowrap := false
	for _, m := range rule.FindAllStringSubmatch(css, -1) {
		for _, sel := range strings.Split(m[1], ",") {
			if strings.TrimSpace(sel) == ".num" && regexp.MustCompile(`white-space:\s*nowrap`).MatchString(m[2]) {
				nowrap = true
			}
		}
	}
	if !nowrap {
		t.Error("no .num { white-space: nowrap } rule")
	}
	balance := c.Get("/finance/balance")
	balance.Doc.Find("#ledger td.amount, #ledger td.running, #figures dd").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "¥") && !s.HasClass("num") {
			t.Errorf("amount %q is not a num cell", s.Text())
		}
	})
	if !strings.HasPrefix(balance.Doc.Find("#current-balance").Text(), "-¥") {
		t.Errorf("current balance %q", balance.Doc.Find("#current-balance").Text())
	}
}
