package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

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

// voucherCertRequest writes a certificate order made with voucher code
// code (the certificate domain's rows, in SQL) and, when issued is set,
// its certificate valid from issued for a year; it returns the order's id.
func voucherCertRequest(t *testing.T, env *webtest.Env, code int64, status, commonName, organization string, requested time.Time, issued *time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	var sub int64
	if err := env.App.Pool.QueryRow(ctx, `INSERT INTO subscribers (email, display_name, password_hash, language, created_at)
		VALUES ('voucher-page-' || (SELECT count(*) FROM subscribers) || '@example.jp', 'End User', 'x', 'en', now()) RETURNING id`).Scan(&sub); err != nil {
		t.Fatal(err)
	}
	var plan *time.Time
	if issued != nil {
		end := issued.AddDate(1, 0, 0)
		plan = &end
	}
	var id int64
	if err := env.App.Pool.QueryRow(ctx, `INSERT INTO certificate_orders (partner_id, group_id, subscriber_id, voucher_code_id, product_id,
			years, fqdns, wildcards, common_name, names, csr_pem, key_name, organization, status, requested_at, decided_at, plan_ends_at)
		SELECT c.partner_id, o.group_id, $2, c.id, l.product_id, l.years, l.fqdns, l.wildcards, $3, ARRAY[$3], 'csr', 'RSA 2048', $4, $5, $6, $7, $8
		FROM voucher_codes c JOIN voucher_order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no
		JOIN voucher_orders o ON o.id = c.order_id WHERE c.id = $1 RETURNING id`,
		code, sub, commonName, organization, status, requested, issued, plan).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if issued != nil {
		if _, err := env.App.Pool.Exec(ctx, `INSERT INTO certificates (order_id, serial, der, not_before, not_after, issued_at)
			VALUES ($1, to_hex($1::bigint), '\x00', $2, $3, $2)`, id, *issued, *plan); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// TestVoucherOrderPageShowsTheCodesCertificates: the order page's codes table
// shows, for a Used code, the day it was used and its certificate: common
// name, organization and validity, or that it waits for validation; a
// code redeemed again after a cancelled request shows the new request.
func TestVoucherOrderPageShowsTheCodesCertificates(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "4", "1", "0"})
	id, _ := strconv.ParseInt(order[strings.LastIndex(order, "/")+1:], 10, 64)
	ctx := context.Background()
	codes, err := env.App.Vouchers.Codes(ctx, 1, id)
	if err != nil || len(codes) != 4 {
		t.Fatalf("%d codes, %v", len(codes), err)
	}
	now := env.App.Clock.Now().Truncate(time.Second)
	use := func(code int64, at time.Time) {
		t.Helper()
		if err := env.App.Vouchers.Use(ctx, env.App.Pool, code, at); err != nil {
			t.Fatal(err)
		}
	}
	issuedAt := now.Add(-20 * time.Hour)
	use(codes[0].ID, now.Add(-24*time.Hour))
	voucherCertRequest(t, env, codes[0].ID, "issued", "www.example.jp", "Example KK", now.Add(-24*time.Hour), &issuedAt)

	firstAt := now.Add(-240 * time.Hour)
	use(codes[1].ID, firstAt)
	voucherCertRequest(t, env, codes[1].ID, "cancelled", "old.example.jp", "Old Org", firstAt, &firstAt)
	if _, err := env.App.Pool.Exec(ctx, `UPDATE voucher_codes SET status = 'active', used_at = NULL WHERE id = $1`, codes[1].ID); err != nil {
		t.Fatal(err)
	}
	use(codes[1].ID, now.Add(-2*time.Hour))
	voucherCertRequest(t, env, codes[1].ID, "issued", "new.example.jp", "New Org", now.Add(-2*time.Hour), &issuedAt)

	use(codes[2].ID, now.Add(-time.Hour))
	voucherCertRequest(t, env, codes[2].ID, "pending", "wait.example.jp", "", now.Add(-time.Hour), nil)

	page := c.Get(order)
	cell := func(code int64) string {
		return strings.Join(strings.Fields(page.Doc.Find(fmt.Sprintf("#code-%d td.certificate", code)).Text()), " ")
	}
	if got := page.Doc.Find("#codes thead th").Eq(7).Text(); got != "Certificate" {
		t.Errorf("column %q", got)
	}
	date := func(t time.Time) string { return env.App.I18n.Localizer("en").Date(t) }
	for _, want := range []string{"Used on " + date(now.Add(-24*time.Hour)), "Common name: www.example.jp", "Organization: Example KK",
		"Valid " + date(issuedAt) + " – " + date(issuedAt.AddDate(1, 0, 0))} {
		if !strings.Contains(cell(codes[0].ID), want) {
			t.Errorf("issued code: %q lacks %q", cell(codes[0].ID), want)
		}
	}
	if got := cell(codes[1].ID); !strings.Contains(got, "new.example.jp") || !strings.Contains(got, "New Org") ||
		strings.Contains(got, "old.example.jp") || strings.Contains(got, "cancelled") {
		t.Errorf("redeemed again: %q", got)
	}
	if got := cell(codes[2].ID); !strings.Contains(got, "wait.example.jp") || !strings.Contains(got, "Waiting for validation") ||
		strings.Contains(got, "Valid ") || strings.Contains(got, "Organization") {
		t.Errorf("pending: %q", got)
	}
	if got := cell(codes[3].ID); got != "" {
		t.Errorf("an Active code shows %q", got)
	}

	// In Japanese.
	c.PostForm("/language", map[string][]string{"lang": {"ja"}})
	page = c.Get(order)
	if got := cell(codes[0].ID); !strings.Contains(got, "コモンネーム: www.example.jp") ||
		!strings.Contains(got, "有効期間: "+env.App.I18n.Localizer("ja").Date(issuedAt)) {
		t.Errorf("Japanese: %q", got)
	}
	if got := cell(codes[2].ID); !strings.Contains(got, "審査待ち") {
		t.Errorf("Japanese pending: %q", got)
	}
}
