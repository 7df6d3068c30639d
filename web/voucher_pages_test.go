package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/webtest"
)

// codeIDs are the data-code-id of the rows of the page's code table.
func codeIDs(doc *goquery.Document) []string {
	var ids []string
	doc.Find("#codes tbody tr").Each(func(_ int, s *goquery.Selection) { ids = append(ids, s.AttrOr("data-code-id", "")) })
	return ids
}

// TestOrderPageListsItsCodes100APage: an order of 1,000 codes shows them
// 100 a page, the next page links to codes 101–200 and back, the last
// page has no next link, and the search finds a code by its first five
// characters or in full, refusing fewer.
func TestOrderPageListsItsCodes100APage(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "1000", "1", "0"})
	id, _ := strconv.ParseInt(order[strings.LastIndex(order, "/")+1:], 10, 64)
	all, err := env.App.Vouchers.Codes(context.Background(), 1, id)
	if err != nil || len(all) != 1000 {
		t.Fatalf("%d codes, %v", len(all), err)
	}
	want := func(from, to int) string { // the ids of codes from…to (1-based), in order
		var ids []string
		for _, c := range all[from-1 : to] {
			ids = append(ids, strconv.FormatInt(c.ID, 10))
		}
		return strings.Join(ids, ",")
	}

	first := c.Get(order)
	t.Logf("the order page of 1,000 codes: %d bytes", len(first.Body))
	if got := strings.Join(codeIDs(first.Doc), ","); got != want(1, 100) || first.Doc.Find("#codes-prev").Length() != 0 {
		t.Fatalf("first page: %d codes, prev link %d", len(codeIDs(first.Doc)), first.Doc.Find("#codes-prev").Length())
	}
	if got := first.Doc.Find("#codes-range").Text(); got != "Codes 1–100 of 1,000" {
		t.Errorf("range %q", got)
	}
	second := c.Get(first.Doc.Find("#codes-next").AttrOr("href", ""))
	if got := strings.Join(codeIDs(second.Doc), ","); got != want(101, 200) {
		t.Errorf("page 2 is not codes 101–200: %s", got)
	}
	if got := second.Doc.Find("#codes-range").Text(); got != "Codes 101–200 of 1,000" {
		t.Errorf("range %q", got)
	}
	back := c.Get(second.Doc.Find("#codes-prev").AttrOr("href", ""))
	if got := strings.Join(codeIDs(back.Doc), ","); got != want(1, 100) {
		t.Errorf("back from page 2: %s", got)
	}
	if res := c.Get(order + "?codes=show&after=" + strconv.FormatInt(all[999].ID, 10)); res.Status != http.StatusSeeOther || res.Location != order+"?codes=show" {
		t.Errorf("a cursor past the end: %d %s", res.Status, res.Location)
	}
	// Shown codes stay shown from page to page; the last page has no next.
	page := c.Get(order + "?codes=show")
	for n := 2; n <= 10; n++ {
		next := page.Doc.Find("#codes-next").AttrOr("href", "")
		if !strings.Contains(next, "codes=show") {
			t.Fatalf("page %d: next link %q", n, next)
		}
		page = c.Get(next)
	}
	if got := strings.Join(codeIDs(page.Doc), ","); got != want(901, 1000) || page.Doc.Find("#codes-next").Length() != 0 {
		t.Errorf("last page: %s, next link %d", got, page.Doc.Find("#codes-next").Length())
	}
	if got := strings.TrimSpace(page.Doc.Find("#codes td.code").Last().Text()); got != all[999].Code {
		t.Errorf("last code shown as %q", got)
	}

	// Search: the first five characters (any case), the whole code.
	target := all[149]
	found := c.Get(order + "?q=" + strings.ToLower(target.Code[:5]))
	if ids := codeIDs(found.Doc); len(ids) < 1 || !strings.Contains(","+strings.Join(ids, ",")+",", ","+strconv.FormatInt(target.ID, 10)+",") {
		t.Errorf("search by %q found %v", target.Code[:5], ids)
	}
	full := c.Get(order + "?codes=show&q=" + target.Code)
	if ids := codeIDs(full.Doc); len(ids) != 1 || strings.TrimSpace(full.Doc.Find("#codes td.code").Text()) != target.Code {
		t.Errorf("search by the whole code found %v", ids)
	}
	if full.Doc.Find("#all-codes").Length() != 1 || full.Doc.Find("#f-q").AttrOr("value", "") != target.Code {
		t.Error("the search is not kept in the form, or there is no way back to all codes")
	}
	short := c.Get(order + "?q=" + target.Code[:4])
	if short.Status != http.StatusOK || !webtest.IsTranslated(short.Doc.Find("#e-q").Text()) || len(codeIDs(short.Doc)) != 100 {
		t.Errorf("a four-character search: %d, %q, %d codes", short.Status, short.Doc.Find("#e-q").Text(), len(codeIDs(short.Doc)))
	}
	none := c.Get(order + "?q=" + notAPrefix(all))
	if len(codeIDs(none.Doc)) != 0 || none.Doc.Find("#no-codes").Length() != 1 {
		t.Errorf("a search matching nothing: %d codes", len(codeIDs(none.Doc)))
	}

	// The account-wide code search lands on the page that shows the code.
	res := c.Get("/finance/vouchers?code=" + all[999].Code)
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, order+"?") {
		t.Fatalf("account search: %d %s", res.Status, res.Location)
	}
	if landed := c.Get(res.Location); landed.Doc.Find("#code-"+strconv.FormatInt(all[999].ID, 10)).Length() != 1 {
		t.Errorf("%s does not show code %d", res.Location, all[999].ID)
	}

	// In Japanese too; another partner gets 404 for any page.
	c.PostForm("/language", map[string][]string{"lang": {"ja"}})
	if got := c.Get(order).Doc.Find("#codes-range").Text(); got != "1,000件中 1～100件目のコード" {
		t.Errorf("Japanese range %q", got)
	}
	env.AssertOtherPartnerGets404(t, "acme-admin", second.Doc.Find("#codes-prev").AttrOr("href", ""))
}

// notAPrefix is five characters no code of all starts with.
func notAPrefix(all []voucher.Code) string {
	for _, p := range []string{"22222", "23456", "77777", "ZZZZZ", "AAAAA"} {
		taken := false
		for _, c := range all {
			taken = taken || strings.HasPrefix(c.Code, p)
		}
		if !taken {
			return p
		}
	}
	return "2222222222"
}
