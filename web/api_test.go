package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/web/api"
	"github.com/ccp-partner/portal/web/webtest"
)

// apiKey creates a key on Account → Automation as admin, for user (a
// username of the account), and returns it as the page shows it once.
func apiKey(t testing.TB, env *webtest.Env, admin, user string, fields ...string) string {
	t.Helper()
	c := env.Login(t, admin)
	var userID string
	c.Get("/account/automation").Doc.Find(`select[name="user_id"] option`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "("+user+")") {
			userID = s.AttrOr("value", "")
		}
	})
	form := url.Values{"user_id": {userID}, "name": {"shop " + user}}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	res := c.PostForm("/account/automation/keys", form)
	key := strings.TrimSpace(res.Doc.Find("#new-key-value").Text())
	if res.Status != http.StatusOK || key == "" {
		t.Fatalf("create key for %s: %d %s", user, res.Status, res.Doc.Find(".field-error").Text())
	}
	return key
}

// apiResponse is an answer of the API.
type apiResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// decode parses the body into v, failing the test otherwise.
func (r apiResponse) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("status %d, body %q: %v", r.Status, r.Body, err)
	}
}

// call sends method path with key (none when empty), the JSON body (a
// string is sent as is) and header pairs.
func call(t testing.TB, env *webtest.Env, method, path, key string, body any, header ...string) apiResponse {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, env.URL+api.Base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("X-DC-DEVKEY", key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return apiResponse{Status: res.StatusCode, Header: res.Header, Body: b}
}

// oneVoucher is an order of quantity codes of Global Server ID, 1 year, 1 name.
func oneVoucher(quantity int) map[string]any {
	return map[string]any{"vouchers": []map[string]any{{"product_name_id": "ssl_global_server_id", "validity_years": 1,
		"no_of_fqdns": 1, "quantity": quantity}}, "payment_method": "balance", "name": "Customer K.K.", "notes": "by API"}
}

// assertDigiCertError checks the error shape and that its messages are translated.
func assertDigiCertError(t *testing.T, name string, res apiResponse, status int) {
	t.Helper()
	var e api.ErrorBody
	if err := json.Unmarshal(res.Body, &e); err != nil || res.Status != status || len(e.Errors) == 0 {
		t.Errorf("%s: %d %s, want %d in DigiCert's error shape", name, res.Status, res.Body, status)
		return
	}
	for _, p := range e.Errors {
		if p.Code == "" || !webtest.IsTranslated(p.Message) {
			t.Errorf("%s: error %+v", name, p)
		}
	}
}

// writtenBesidesKeyUse is the database's fingerprint without api_keys,
// where every authenticated request records the key's use (last use, rate
// window): what a refused request must leave unchanged.
func writtenBesidesKeyUse(t *testing.T, env *webtest.Env) string {
	t.Helper()
	var kept []string
	for _, part := range strings.Fields(env.Fingerprint(t)) {
		if !strings.HasPrefix(part, "api_keys=") {
			kept = append(kept, part)
		}
	}
	return strings.Join(kept, " ")
}

func countRows(t *testing.T, env *webtest.Env, table string) int {
	t.Helper()
	var n int
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAPIKeysOnTheAutomationPage(t *testing.T) {
	env := webtest.Start(t)
	key := apiKey(t, env, "acme-admin", "acme-finance")
	if res := call(t, env, "GET", "/voucher", key, nil); res.Status != http.StatusOK {
		t.Fatalf("list with a new key: %d %s", res.Status, res.Body)
	}
	c := env.Login(t, "acme-admin")
	page := c.Get("/account/automation")
	row := page.Doc.Find("#api-keys tbody tr").First()
	if !strings.HasPrefix(key, strings.TrimSuffix(row.Find(".key-prefix").Text(), "…")) || row.Find(".key-last-used").Text() == "—" {
		t.Errorf("listed: prefix %q, last used %q", row.Find(".key-prefix").Text(), row.Find(".key-last-used").Text())
	}
	if strings.Contains(page.Body, key) {
		t.Error("the key is shown again on the list")
	}
	var stored int
	env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM api_keys WHERE key_hash::text LIKE '%' || $1 || '%' OR prefix = $1`, key).Scan(&stored)
	if stored != 0 {
		t.Error("the key is stored in clear")
	}
	for _, user := range []string{"acme-user", "acme-finance"} {
		if res := env.Login(t, user).Get("/account/automation"); res.Status != http.StatusForbidden {
			t.Errorf("%s opens the automation page: %d", user, res.Status)
		}
	}
	revoke := row.Find("form").AttrOr("action", "")
	if res := c.PostForm(revoke, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.Status)
	}
	var actions int
	env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action IN ('api_key.created', 'api_key.revoked')`).Scan(&actions)
	if actions != 2 {
		t.Errorf("%d audit entries for create and revoke", actions)
	}
	if c.Get("/account/automation").Doc.Find("#api-keys .key-status").First().Text() != "Revoked" {
		t.Error("revoked key not shown as revoked")
	}
}

func TestAPIRefusesRevokedExpiredWrongAndDisabledKeysWritingNothing(t *testing.T) {
	env := webtest.Start(t)
	revoked := apiKey(t, env, "acme-admin", "acme-admin")
	expiring := apiKey(t, env, "acme-admin", "acme-admin", "expires_on", time.Now().In(time.FixedZone("JST", 9*3600)).Format(time.DateOnly))
	ofFinance := apiKey(t, env, "acme-admin", "acme-finance")
	c := env.Login(t, "acme-admin")
	c.PostForm(c.Get("/account/automation").Doc.Find(`#api-keys tr[data-key-id="1"] form`).AttrOr("action", ""), nil)
	// Deactivating the user disables their keys.
	financeID := env.Login(t, "acme-admin").Get("/account/users").Doc.Find(`a:contains("acme-finance")`).AttrOr("href", "")
	if res := c.PostForm(financeID+"/active", url.Values{"active": {"no"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d %s", res.Status, financeID)
	}
	if res := call(t, env, "GET", "/voucher", expiring, nil); res.Status != http.StatusOK {
		t.Fatalf("expiring key before its day ends: %d", res.Status)
	}
	if err := env.App.TestClock.Advance(context.Background(), 48*time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]string{"revoked": revoked, "expired": expiring, "user deactivated": ofFinance,
		"wrong": "ccp_" + strings.Repeat("a", 52), "missing": ""} {
		before := env.Fingerprint(t)
		res := call(t, env, "POST", "/voucher", key, oneVoucher(1), "Idempotency-Key", "k-"+name)
		assertDigiCertError(t, name, res, http.StatusUnauthorized)
		if env.Fingerprint(t) != before {
			t.Errorf("%s key: something was written", name)
		}
	}
}

func TestAPIThrottlesFailedKeys(t *testing.T) {
	env := webtest.Start(t)
	good := apiKey(t, env, "acme-admin", "acme-admin")
	for range 30 {
		call(t, env, "GET", "/voucher", "ccp_wrong", nil)
	}
	res := call(t, env, "GET", "/voucher", good, nil)
	assertDigiCertError(t, "after 30 failures", res, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

func TestAPIRateLimitPerKey(t *testing.T) {
	env := webtest.Start(t)
	env.App.Keys.PerMinute = 3
	key := apiKey(t, env, "acme-admin", "acme-admin")
	var last apiResponse
	for range 4 {
		last = call(t, env, "GET", "/voucher", key, nil)
	}
	assertDigiCertError(t, "fourth request in a minute", last, http.StatusTooManyRequests)
	if last.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

func TestAPIOrderAppearsInTheWebListWithTheFormsPrices(t *testing.T) {
	env := webtest.Start(t)
	key := apiKey(t, env, "acme-admin", "acme-finance")
	c := env.Login(t, "acme-admin")
	formOrder := placeOrder(t, c, [4]string{"1:1", "2", "4", "1"})
	body := map[string]any{"vouchers": []map[string]any{{"product_name_id": "ssl_global_server_id", "validity_years": 1,
		"no_of_fqdns": 4, "no_of_wildcards": 1, "quantity": 2}}, "payment_method": "balance", "name": "API customer"}
	res := call(t, env, "POST", "/voucher", key, body)
	var o api.OrderJSON
	res.decode(t, &o)
	if res.Status != http.StatusCreated || o.Cost != 17960 || o.CostPlusTax != 19756 || len(o.Codes) != 2 || o.Currency != "JPY" {
		t.Fatalf("API order: %d %+v", res.Status, o)
	}
	if _, err := time.Parse(time.RFC3339, o.CreatedDate); err != nil || !strings.HasSuffix(o.CreatedDate, "+09:00") {
		t.Errorf("created_date %q", o.CreatedDate)
	}
	var formTotal, apiTotal int64
	env.App.Pool.QueryRow(context.Background(), `SELECT total FROM voucher_orders WHERE id = 1`).Scan(&formTotal)
	env.App.Pool.QueryRow(context.Background(), `SELECT total FROM voucher_orders WHERE id = $1`, o.ID).Scan(&apiTotal)
	if formTotal != apiTotal {
		t.Errorf("form %d, API %d", formTotal, apiTotal)
	}
	list := c.Get("/finance/vouchers")
	if n := list.Doc.Find("#orders tbody tr").Length(); n != 2 || !strings.Contains(list.Doc.Find("#orders").Text(), "API customer") {
		t.Errorf("web list: %d rows: %s", n, list.Doc.Find("#orders").Text())
	}
	page := c.Get(fmt.Sprintf("/finance/vouchers/%d?codes=show", o.ID))
	for _, code := range o.Codes {
		if !strings.Contains(page.Body, code.Value) {
			t.Errorf("code %s not on the web page", code.Value)
		}
	}
	if !strings.Contains(c.Get(formOrder).Doc.Find("#order-facts").Text(), "¥17,960") {
		t.Error("the form's order has another total")
	}
	var shown api.OrderJSON
	call(t, env, "GET", fmt.Sprintf("/voucher/%d", o.ID), key, nil).decode(t, &shown)
	if shown.CanCancel == nil || !*shown.CanCancel || len(shown.Codes) != 2 || shown.ValidTill == "" || shown.UsedFrom == "" {
		t.Errorf("order details: %+v", shown)
	}
	var list2 api.OrderList
	call(t, env, "GET", "/voucher?limit=1&offset=1", key, nil).decode(t, &list2)
	if len(list2.VoucherOrders) != 1 || list2.VoucherOrders[0].ID != 1 {
		t.Errorf("second page: %+v", list2)
	}
	csv := call(t, env, "GET", fmt.Sprintf("/voucher/%d/download", o.ID), key, nil, "Accept", "text/csv")
	if csv.Status != http.StatusOK || !strings.Contains(string(csv.Body), o.Codes[0].Value) || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("CSV download: %d %q", csv.Status, csv.Body)
	}
}

func TestAPISameIdempotencyKeyTwiceMakesOneOrder(t *testing.T) {
	env := webtest.Start(t)
	key := apiKey(t, env, "acme-admin", "acme-finance")
	first := call(t, env, "POST", "/voucher", key, oneVoucher(3), "Idempotency-Key", "order-42")
	second := call(t, env, "POST", "/voucher", key, oneVoucher(3), "Idempotency-Key", "order-42")
	var a, b api.OrderJSON
	first.decode(t, &a)
	second.decode(t, &b)
	if first.Status != http.StatusCreated || second.Status != http.StatusCreated || a.ID != b.ID || len(b.Codes) != 3 ||
		second.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("first %d %d, second %d %d", first.Status, a.ID, second.Status, b.ID)
	}
	if n := countRows(t, env, "voucher_orders"); n != 1 {
		t.Errorf("%d orders", n)
	}
}

func TestAPIFiftyConcurrentOrdersAgainstALimitForTwenty(t *testing.T) {
	env := webtest.Start(t)
	key := apiKey(t, env, "acme-admin", "acme-finance")
	var bal api.Balance
	call(t, env, "GET", "/finance/balance", key, nil).decode(t, &bal)
	if err := env.App.Ledger.Adjust(context.Background(), 1, -money.Yen(bal.Available-20*995), "leave room for 20 orders", auth.System("test")); err != nil {
		t.Fatal(err)
	}
	statuses := make([]int, 50)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = call(t, env, "POST", "/voucher", key, oneVoucher(1), "Idempotency-Key", fmt.Sprint("c-", i)).Status
		})
	}
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	if counts[http.StatusCreated] != 20 || counts[http.StatusUnprocessableEntity] != 30 {
		t.Errorf("statuses: %v", counts)
	}
	if n := countRows(t, env, "voucher_orders"); n != 20 {
		t.Errorf("%d orders", n)
	}
}

func TestAPIReadOnlyKeyIsRefusedOnPost(t *testing.T) {
	env := webtest.Start(t)
	key := apiKey(t, env, "acme-admin", "acme-admin", "read_only", "yes")
	if res := call(t, env, "GET", "/voucher", key, nil); res.Status != http.StatusOK {
		t.Errorf("read-only GET: %d", res.Status)
	}
	for _, path := range []string{"/voucher", "/voucher/1/cancel", "/voucher/code/1/reissue"} {
		assertDigiCertError(t, path, call(t, env, "POST", path, key, oneVoucher(1)), http.StatusForbidden)
	}
	if n := countRows(t, env, "voucher_orders"); n != 0 {
		t.Errorf("%d orders", n)
	}
	// A Standard User's key may read nothing of vouchers (the same table as the pages).
	std := apiKey(t, env, "acme-admin", "acme-user")
	assertDigiCertError(t, "standard user", call(t, env, "POST", "/voucher", std, oneVoucher(1)), http.StatusForbidden)
}

func TestAPIAnotherPartnersOrderIsNotFound(t *testing.T) {
	env := webtest.Start(t)
	acme := apiKey(t, env, "acme-admin", "acme-admin")
	globex := apiKey(t, env, "globex-admin", "globex-admin")
	var o api.OrderJSON
	call(t, env, "POST", "/voucher", acme, oneVoucher(1)).decode(t, &o)
	for _, p := range []struct{ method, path string }{{"GET", "/voucher/%d"}, {"GET", "/voucher/%d/download"},
		{"POST", "/voucher/%d/cancel"}, {"POST", "/voucher/code/%d/reissue"}} {
		before := writtenBesidesKeyUse(t, env)
		id := o.ID
		if strings.Contains(p.path, "code") {
			id = o.Codes[0].ID
		}
		path := fmt.Sprintf(p.path, id)
		assertDigiCertError(t, path, call(t, env, p.method, path, globex, nil), http.StatusNotFound)
		if writtenBesidesKeyUse(t, env) != before {
			t.Errorf("%s for another partner's order wrote something", path)
		}
	}
}

func TestAPIRefusalsUseDigiCertsErrorShape(t *testing.T) {
	env := webtest.Start(t)
	key := apiKey(t, env, "acme-admin", "acme-finance")
	line := func(product string, years, fqdns, wild, qty int) map[string]any {
		return map[string]any{"vouchers": []map[string]any{{"product_name_id": product, "validity_years": years,
			"no_of_fqdns": fqdns, "no_of_wildcards": wild, "quantity": qty}}, "payment_method": "balance"}
	}
	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"quantity 0", line("ssl_global_server_id", 1, 1, 0, 0), 422, "vouchers[0].quantity"},
		{"quantity 1001", line("ssl_global_server_id", 1, 1, 0, 1001), 422, "vouchers[0].quantity"},
		{"too many names", line("ssl_global_server_id", 1, 200, 51, 1), 422, "vouchers[0].no_of_fqdns"},
		{"no names", line("ssl_global_server_id", 1, 0, 0, 1), 422, "vouchers[0].no_of_fqdns"},
		{"not in contract", line("ssl_global_server_id", 5, 1, 0, 1), 422, "vouchers[0].product_name_id"},
		{"unknown product", line("ssl_nonsense", 1, 1, 0, 1), 422, "vouchers[0].product_name_id"},
		{"no lines", map[string]any{"vouchers": []any{}, "payment_method": "balance"}, 422, "vouchers"},
		{"over the credit limit", line("ssl_securesite_ev", 3, 250, 0, 1000), 422, ""},
		{"payment method", map[string]any{"vouchers": []any{}, "payment_method": "credit_card"}, 422, "payment_method"},
		{"not JSON", "{vouchers:", 400, ""},
		{"control characters", map[string]any{"vouchers": []any{}, "payment_method": "balance", "name": "a\x1bb"}, 422, "name"},
	}
	for _, tc := range cases {
		before := writtenBesidesKeyUse(t, env)
		res := call(t, env, "POST", "/voucher", key, tc.body)
		assertDigiCertError(t, tc.name, res, tc.status)
		var e api.ErrorBody
		json.Unmarshal(res.Body, &e)
		if tc.field != "" && (len(e.Errors) == 0 || e.Errors[0].Field != tc.field) {
			t.Errorf("%s: %s", tc.name, res.Body)
		}
		if writtenBesidesKeyUse(t, env) != before {
			t.Errorf("%s wrote something", tc.name)
		}
	}
	ja := call(t, env, "POST", "/voucher", key, line("ssl_global_server_id", 1, 1, 0, 0), "Accept-Language", "ja")
	if !strings.ContainsFunc(string(ja.Body), func(r rune) bool { return r > 0x3000 }) {
		t.Errorf("Japanese refusal: %s", ja.Body)
	}
	// Globex has no billing contact.
	g := apiKey(t, env, "globex-admin", "globex-admin")
	res := call(t, env, "POST", "/voucher", g, oneVoucher(1))
	assertDigiCertError(t, "billing incomplete", res, 422)
	if !strings.Contains(string(res.Body), "billing_incomplete") {
		t.Errorf("billing incomplete: %s", res.Body)
	}
}

// TestAPIAcceptsDigiCertsDocumentedExample posts the create-voucher-order
// request of DigiCert's documentation as it is, with its product names
// mapped to this catalogue's codes, and reads the answer with the
// documented field names.
func TestAPIAcceptsDigiCertsDocumentedExample(t *testing.T) {
	env := webtest.Start(t)
	key := apiKey(t, env, "acme-admin", "acme-finance")
	const example = `{
  "vouchers": [
    {"product_name_id": "ssl_ev_basic", "no_of_fqdns": 5, "validity_years": 1, "quantity": 1, "use_san_package": true},
    {"product_name_id": "ssl_ev_securesite_pro", "no_of_fqdns": 2, "validity_years": 2, "quantity": 1}
  ],
  "payment_method": "balance"
}`
	body := strings.NewReplacer(`"ssl_ev_basic"`, `"ssl_basic_ev"`, `"ssl_ev_securesite_pro"`, `"ssl_securesite_ev"`).Replace(example)
	res := call(t, env, "POST", "/voucher", key, body)
	var doc struct {
		ID             int64   `json:"id"`
		Name           *string `json:"name"`
		Status         string  `json:"status"`
		Cost           float64 `json:"cost"`
		CostPlusTax    float64 `json:"cost_plus_tax"`
		CreatedDate    string  `json:"created_date"`
		ExpirationDate string  `json:"expiration_date"`
		ReceiptID      int64   `json:"receipt_id"`
		Codes          []struct {
			ID      int64  `json:"id"`
			Value   string `json:"value"`
			Product struct {
				NameID string `json:"name_id"`
			} `json:"product"`
			NoOfFQDNs     int    `json:"no_of_fqdns"`
			ValidityYears int    `json:"validity_years"`
			Status        string `json:"status"`
		} `json:"codes"`
	}
	res.decode(t, &doc)
	if res.Status != http.StatusCreated || doc.ID == 0 || doc.Name == nil || doc.Status != "completed" || doc.Cost <= 0 ||
		doc.CostPlusTax <= doc.Cost || doc.ReceiptID == 0 || len(doc.Codes) != 2 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	if _, err := time.Parse(time.DateOnly, doc.ExpirationDate); err != nil {
		t.Errorf("expiration_date %q", doc.ExpirationDate)
	}
	c := doc.Codes[1]
	if c.Product.NameID != "ssl_securesite_ev" || c.NoOfFQDNs != 2 || c.ValidityYears != 2 || c.Status != "active" || len(c.Value) != 32 {
		t.Errorf("code: %+v", c)
	}
}

func TestAPICancelReissueBalanceAndUsedCodes(t *testing.T) {
	env := webtest.Start(t)
	key := apiKey(t, env, "acme-admin", "acme-admin")
	var o api.OrderJSON
	call(t, env, "POST", "/voucher", key, oneVoucher(2)).decode(t, &o)
	var code api.CodeJSON
	res := call(t, env, "POST", fmt.Sprintf("/voucher/code/%d/reissue", o.Codes[0].ID), key, nil)
	res.decode(t, &code)
	if res.Status != http.StatusCreated || code.Value == o.Codes[0].Value || code.ReissuedFrom != o.Codes[0].Value {
		t.Errorf("reissue: %d %s", res.Status, res.Body)
	}
	assertDigiCertError(t, "reissue twice", call(t, env, "POST", fmt.Sprintf("/voucher/code/%d/reissue", o.Codes[0].ID), key, nil), http.StatusConflict)
	var cancelled api.OrderJSON
	call(t, env, "POST", fmt.Sprintf("/voucher/%d/cancel", o.ID), key, nil).decode(t, &cancelled)
	if cancelled.Status != "canceled" || *cancelled.CanCancel {
		t.Errorf("cancelled: %+v", cancelled)
	}
	assertDigiCertError(t, "cancel twice", call(t, env, "POST", fmt.Sprintf("/voucher/%d/cancel", o.ID), key, nil), http.StatusConflict)
	var bal api.Balance
	call(t, env, "GET", "/finance/balance", key, nil).decode(t, &bal)
	if bal.CurrentBalance != 0 || bal.Available != bal.CreditLimit || bal.CreditLimit == 0 {
		t.Errorf("balance after cancel: %+v", bal)
	}
	var used api.UsedCodes
	res = call(t, env, "GET", "/voucher/download/used-codes?sort=-id&limit=10", key, nil)
	res.decode(t, &used)
	if res.Status != http.StatusOK || used.Page.Total != 0 {
		t.Errorf("used codes: %d %s", res.Status, res.Body)
	}
	if res := call(t, env, "GET", "/voucher/download/used-codes", key, nil, "Accept", "text/csv"); res.Status != http.StatusOK || !strings.Contains(string(res.Body), "voucher_order_id") {
		t.Errorf("used codes CSV: %d %s", res.Status, res.Body)
	}
	var invoices api.InvoiceList
	if res := call(t, env, "GET", "/finance/invoice", key, nil); res.Status != http.StatusOK {
		t.Errorf("invoices: %d %s", res.Status, res.Body)
	} else {
		res.decode(t, &invoices)
	}
	assertDigiCertError(t, "unknown invoice", call(t, env, "GET", "/finance/invoice/INV-1/pdf", key, nil), http.StatusNotFound)
}
