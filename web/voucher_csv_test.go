package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/webtest"
)

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCSVExports(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	form := orderForm(t, c, [4]string{"1:1", "2", "1", "0"})
	form.Set("customer", `=HYPERLINK("x")`)
	form.Set("memo", "株式会社テスト ①向け") // ① is in CP932, 𠮷 below is not
	res := c.PostForm("/finance/vouchers", form)
	order := res.Location
	placeOrder(t, c, [4]string{"1:1", "1", "5", "0"})

	all := c.Get("/finance/vouchers.csv")
	if !strings.HasPrefix(all.Body, "\uFEFF") || !strings.HasPrefix(all.Header.Get("Content-Type"), "text/csv; charset=utf-8") {
		t.Fatalf("no BOM or wrong type: %q %s", all.Body[:10], all.Header.Get("Content-Type"))
	}
	rows := readCSV(t, all.Body)
	if strings.Join(rows[0], ",") != strings.Join(voucher.OrderColumns, ",") || len(rows) != 3 {
		t.Fatalf("header %v, %d rows", rows[0], len(rows))
	}
	first := rows[1]
	if first[1] != `'=HYPERLINK("x")` {
		t.Errorf("customer not neutralised: %q", first[1])
	}
	if first[3] != "1990" || first[4] != "2189" || first[5] != "JPY" || !strings.HasSuffix(first[6], "+09:00") {
		t.Errorf("row %v", first)
	}
	// Filtered as on screen.
	filtered := readCSV(t, c.Get("/finance/vouchers.csv?customer=HYPERLINK").Body)
	if len(filtered) != 2 {
		t.Errorf("filtered export has %d rows", len(filtered))
	}
	// One order's codes, in the manual's columns.
	codes := readCSV(t, c.Get(order+"/codes.csv").Body)
	if strings.Join(codes[0], ",") != strings.Join(voucher.CodeColumns, ",") || len(codes) != 3 || len(codes[1][1]) != 32 || codes[1][8] != "active" {
		t.Errorf("codes export: %v", codes)
	}
	// Used codes only.
	id := codes[1][0]
	var codeID int64
	env.App.Pool.QueryRow(context.Background(), `SELECT id FROM voucher_codes WHERE id = $1::bigint`, id).Scan(&codeID)
	if err := env.App.Vouchers.Use(context.Background(), env.App.Pool, codeID, env.App.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	used := readCSV(t, c.Get("/finance/codes/used.csv").Body)
	if len(used) != 2 || used[1][0] != id || used[1][8] != "used" || !strings.HasSuffix(used[1][11], "+09:00") {
		t.Errorf("used codes: %v", used)
	}
	// Shift_JIS on request.
	sj := c.Get("/finance/vouchers.csv?encoding=sjis")
	decoded, err := io.ReadAll(japanese.ShiftJIS.NewDecoder().Reader(bytes.NewReader([]byte(sj.Body))))
	if err != nil || !strings.Contains(string(decoded), "株式会社テスト ①向け") || bytes.HasPrefix([]byte(sj.Body), []byte("\uFEFF")) {
		t.Errorf("Shift_JIS export: %v %q", err, decoded)
	}
	// Another partner gets 404 for an order's CSV and sees none of Acme's rows.
	env.AssertOtherPartnerGets404(t, "acme-admin", order+"/codes.csv")
	if rows := readCSV(t, env.Login(t, "globex-admin").Get("/finance/vouchers.csv").Body); len(rows) != 1 {
		t.Errorf("globex sees %d rows of orders", len(rows)-1)
	}
}

func TestShiftJISReplacesWhatCP932Lacks(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	form := orderForm(t, c, [4]string{"1:1", "1", "1", "0"})
	form.Set("customer", "𠮷野家")
	c.PostForm("/finance/vouchers", form)
	sj := c.Get("/finance/vouchers.csv?encoding=sjis")
	decoded, _ := io.ReadAll(japanese.ShiftJIS.NewDecoder().Reader(strings.NewReader(sj.Body)))
	if sj.Status != 200 || !strings.Contains(string(decoded), "?野家") {
		t.Errorf("%d %q", sj.Status, decoded)
	}
}

// TestAFailingCSVExportServesTheErrorPage: when an export's first query
// fails, the answer is the HTML error page, not an attachment.
func TestAFailingCSVExportServesTheErrorPage(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "2", "1", "0"})
	codes := readCSV(t, c.Get(order+"/codes.csv").Body)
	var codeID int64
	env.App.Pool.QueryRow(context.Background(), `SELECT $1::bigint`, codes[1][0]).Scan(&codeID)
	if err := env.App.Vouchers.Use(context.Background(), env.App.Pool, codeID, env.App.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	breakColumn := func(table, column string) {
		t.Helper()
		if _, err := env.App.Pool.Exec(context.Background(), `ALTER TABLE `+table+` RENAME COLUMN `+column+` TO `+column+`_gone`); err != nil {
			t.Fatal(err)
		}
	}
	failing := func(path string) {
		t.Helper()
		res := c.Get(path)
		if res.Status != http.StatusInternalServerError || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			res.Header.Get("Content-Disposition") != "" || res.Doc.Find(".request-id").Length() != 1 {
			t.Errorf("%s: %d %q %q", path, res.Status, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
	}
	// The codes exports fail on their first batch's order lines, after reading the codes.
	breakColumn("voucher_order_lines", "ship_token")
	failing(order + "/codes.csv")
	failing("/finance/codes/used.csv?encoding=sjis")
	breakColumn("voucher_orders", "memo")
	failing("/finance/vouchers.csv")
	failing("/finance/vouchers.csv?encoding=sjis&customer=x")
}

// TestVoucherUsedCodesCSVShowsTheCertificates: the used-codes CSV (V-5 d) fills
// the certificate columns from each code's certificate request; a code
// redeemed again after a cancelled request has the new request's.
func TestVoucherUsedCodesCSVShowsTheCertificates(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "2", "1", "0"})
	id, _ := strconv.ParseInt(order[strings.LastIndex(order, "/")+1:], 10, 64)
	ctx := context.Background()
	codes, err := env.App.Vouchers.Codes(ctx, 1, id)
	if err != nil || len(codes) != 2 {
		t.Fatalf("%d codes, %v", len(codes), err)
	}
	now := env.App.Clock.Now().Truncate(time.Second)
	use := func(code int64, at time.Time) {
		t.Helper()
		if err := env.App.Vouchers.Use(ctx, env.App.Pool, code, at); err != nil {
			t.Fatal(err)
		}
	}
	issued, requested := now.Add(-20*time.Hour), now.Add(-24*time.Hour)
	use(codes[0].ID, requested)
	first := voucherCertRequest(t, env, codes[0].ID, "issued", "www.example.jp", "Example 株式会社", requested, &issued)
	old := now.Add(-240 * time.Hour)
	use(codes[1].ID, old)
	voucherCertRequest(t, env, codes[1].ID, "cancelled", "old.example.jp", "Old Org", old, &old)
	if _, err := env.App.Pool.Exec(ctx, `UPDATE voucher_codes SET status = 'active', used_at = NULL WHERE id = $1`, codes[1].ID); err != nil {
		t.Fatal(err)
	}
	use(codes[1].ID, now.Add(-time.Hour))
	again := voucherCertRequest(t, env, codes[1].ID, "pending", "new.example.jp", "", now.Add(-time.Hour), nil)

	rows := readCSV(t, c.Get("/finance/codes/used.csv").Body)
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	col := func(row []string, name string) string { return row[slices.Index(voucher.CodeColumns, name)] }
	stamp := func(t time.Time) string { return t.In(clock.Tokyo).Format(time.RFC3339) }
	day := func(t time.Time) string { return t.In(clock.Tokyo).Format(time.DateOnly) }
	want := [][]string{
		{strconv.FormatInt(codes[0].ID, 10), stamp(requested), stamp(issued), stamp(issued.AddDate(1, 0, 0)), "Example 株式会社", "www.example.jp",
			strconv.FormatInt(first, 10), day(issued), day(issued.AddDate(1, 0, 0))},
		{strconv.FormatInt(codes[1].ID, 10), stamp(now.Add(-time.Hour)), "", "", "", "new.example.jp", strconv.FormatInt(again, 10), "", ""},
	}
	names := []string{"id", "cert_request_date", "cert_validity_start_date", "cert_validity_end_date", "cert_organization",
		"cert_common_name", "certificate_order_id", "order_valid_from", "order_valid_till"}
	for i, w := range want {
		for j, name := range names {
			if got := col(rows[i+1], name); got != w[j] {
				t.Errorf("code %s: %s = %q, want %q", w[0], name, got, w[j])
			}
		}
	}
}
