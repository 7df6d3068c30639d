package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/web/webtest"
)

var directLocation = regexp.MustCompile(`^/certificates/(\d+)$`)

// TestDirectCertificateOrderIsChargedAndBilled: a partner's certificate
// without a voucher (C-5) costs what one voucher of the same product and
// names costs, appears in the balance history and on the month's itemized
// statement, and a refused form writes nothing.
func TestDirectCertificateOrderIsChargedAndBilled(t *testing.T) {
	env := webtest.Start(t)
	acme := env.Login(t, "acme-admin")
	newPage := acme.Get("/certificates/new")
	if row := newPage.Doc.Find(`#direct-prices tr[data-option="1:1"]`).Text(); !strings.Contains(row, "¥") {
		t.Errorf("the form does not show the contract's prices: %q", row)
	}
	form := webtest.FormValues(newPage.Doc, "#direct-form")
	if form.Get("group_id") == "" {
		t.Fatal("the form offers no management group")
	}
	before := env.Fingerprint(t)
	form.Set("product", "1:1")
	if res := acme.PostForm("/certificates", form); res.Status != http.StatusUnprocessableEntity || res.Doc.Find("#e-csr").Length() != 1 {
		t.Errorf("without a CSR: %d", res.Status)
	}
	if env.Fingerprint(t) != before {
		t.Error("a refused direct order wrote something")
	}

	form.Set("csr", newCSR(t, "direct.example.jp", "www.direct.example.jp"))
	for k, v := range withOrg(url.Values{}) {
		form[k] = v
	}
	res := acme.PostForm("/certificates", form)
	m := directLocation.FindStringSubmatch(res.Location)
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("direct order: %d %q %s", res.Status, res.Location, res.Doc.Find(".form-error, .error, .field-error").Text())
	}
	if again := acme.PostForm("/certificates", form); again.Location != res.Location {
		t.Errorf("the same form submitted twice led to %q, then %q", res.Location, again.Location)
	}

	// Validation approves; the partner downloads the certificate and
	// reissues it for a new key (a direct order's plan is the partner's).
	if res := env.Login(t, "op-validation").PostForm("/operator/validation/"+m[1]+"/approve", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.Status)
	}
	page := acme.Get(res.Location)
	pemHref, _ := page.Doc.Find("#download-pem").Attr("href")
	if chain := acme.Get(pemHref); chain.Status != http.StatusOK || strings.Count(chain.Body, "BEGIN CERTIFICATE") != 2 {
		t.Errorf("the partner's download %q: %d", pemHref, chain.Status)
	}
	env.AssertOtherPartnerGets404(t, "acme-admin", pemHref)
	if page.Doc.Find("#reissue-form").Length() != 1 {
		t.Fatal("no reissue form on an issued direct order")
	}
	if res := acme.PostForm(res.Location+"/reissue", url.Values{"csr": {newCSR(t, "direct.example.jp")}}); res.Status != http.StatusSeeOther {
		t.Errorf("reissue: %d %s", res.Status, res.Doc.Find(".error, .field-error").Text())
	}
	if n := acme.Get(res.Location).Doc.Find("#certificates tbody tr").Length(); n != 2 {
		t.Errorf("%d certificates after the reissue, want 2", n)
	}
	// The same product and names bought as one voucher.
	placeOrder(t, acme, [4]string{"1:1", "1", "2", "0"})
	ctx := context.Background()
	var charged, voucherPrice int64
	if err := env.App.Pool.QueryRow(ctx, `
		SELECT (SELECT -amount FROM ledger_entries WHERE certificate_order_id = $1 AND kind = 'certificate_charge'),
		       (SELECT total FROM voucher_orders ORDER BY id DESC LIMIT 1)`, m[1]).Scan(&charged, &voucherPrice); err != nil {
		t.Fatal(err)
	}
	if charged == 0 || charged != voucherPrice {
		t.Errorf("charged %d, one voucher of the same costs %d", charged, voucherPrice)
	}
	history := acme.Get("/finance/balance")
	if history.Doc.Find(`a.certificate-order[href="/certificates/`+m[1]+`"]`).Length() != 1 {
		t.Error("the balance history does not link the certificate charge to its order")
	}

	// The month closes; the statement lists the certificate as its own line.
	now := env.App.Clock.Now().In(clock.Tokyo)
	first := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 5, 0, clock.Tokyo)
	if err := env.App.TestClock.Set(ctx, first, nil); err != nil {
		t.Fatal(err)
	}
	closeNow(t, env)
	statement := env.Login(t, "acme-admin").Get("/finance/documents/ST0000001") // the clock's jump ended the session
	if statement.Status != http.StatusOK {
		t.Fatalf("statement: %d", statement.Status)
	}
	text := pdfText(t, []byte(statement.Body))
	for _, want := range []string{"C-" + m[1], "direct.exampl"} { // the memo column wraps the common name
		if !strings.Contains(text, want) {
			t.Errorf("the statement lacks %q:\n%s", want, text)
		}
	}
}
