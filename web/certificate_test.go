package web_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/web/webtest"
)

// newCSR is a PEM CSR for an ECDSA P-256 key naming cn and names.
func newCSR(t *testing.T, cn string, names ...string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}, DNSNames: names}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

// signedInSubscriber signs up and signs in email, returning the client.
func signedInSubscriber(t *testing.T, env *webtest.Env, email string) *webtest.Client {
	t.Helper()
	c, _ := signUpSubscriber(t, env, email, "/secure/")
	if res := subscriberLogin(t, c, email, "/secure/"); res.Status != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: %d", email, res.Status)
	}
	return c
}

// postMultipart posts fields and one file as a browser's multipart form.
func postMultipart(t *testing.T, c *webtest.Client, env *webtest.Env, path string, fields map[string]string, file, content string) *webtest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if file != "" {
		fw, err := w.CreateFormFile(file, "request.csr")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write([]byte(content))
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, env.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", env.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

// withOrg adds the organization an OV product's request needs.
func withOrg(v url.Values) url.Values {
	v.Set("org_name", "Example KK")
	v.Set("org_locality", "Chiyoda-ku")
	v.Set("org_country", "JP")
	return v
}

var orderLocation = regexp.MustCompile(`^/secure/orders/(\d+)$`)

func TestCertificateRequestFromLinkToDownload(t *testing.T) {
	env := webtest.Start(t)
	codes, product := voucherCodes(t, env, "2")
	link := redeemPath(product, codes[0])
	sub := signedInSubscriber(t, env, "hanako@example.jp")

	// The language switch keeps the voucher's link, and keeps the choice on
	// the end user.
	page := sub.Get(link)
	form := page.Doc.Find("form.langswitch")
	if form.AttrOr("action", "") != "/secure/language" || form.Find(`input[name="back"]`).AttrOr("value", "") != link {
		t.Errorf("language switch: %q back %q", form.AttrOr("action", ""), form.Find(`input[name="back"]`).AttrOr("value", ""))
	}
	if res := sub.PostForm("/secure/language", url.Values{"lang": {"ja"}, "back": {link}}); res.Location != link {
		t.Errorf("language switch led to %q", res.Location)
	}
	if res := sub.Get(redeemPath(product, "NOSUCHCODE")); res.Doc.Find(`a.brand`).AttrOr("href", "") != "/secure/" {
		t.Errorf("the brand on an end user's error page leads to %q", res.Doc.Find(`a.brand`).AttrOr("href", ""))
	}
	sub.PostForm("/secure/language", url.Values{"lang": {"en"}, "back": {link}})

	// A refusal re-shows the form with the field's message and writes nothing.
	before := env.Fingerprint(t)
	res := sub.PostForm(link, url.Values{"csr": {newCSR(t, "a.example.jp", "*.*.example.jp")}})
	if res.Status != http.StatusUnprocessableEntity || res.Doc.Find("#e-names").Length() != 1 {
		t.Fatalf("bad wildcard: %d %s", res.Status, res.Doc.Find(".error").Text())
	}
	if after := env.Fingerprint(t); after != before {
		t.Error("a refused request wrote something")
	}

	// A file over the limit gets its page, and writes nothing.
	if res := postMultipart(t, sub, env, link, map[string]string{}, "csr_file", strings.Repeat("A", 2<<20)); res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MB file: %d", res.Status)
	}

	// The CSR uploaded as a file; names typed; the code becomes Used.
	names := "www.example.jp\n*.example.jp"
	res = postMultipart(t, sub, env, link, map[string]string{"common_name": "example.jp", "names": names,
		"org_name": "Example KK", "org_locality": "Chiyoda-ku", "org_country": "JP"}, "csr_file", newCSR(t, "example.jp"))
	m := orderLocation.FindStringSubmatch(res.Location)
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("request: %d %q %s %s", res.Status, res.Location, res.Doc.Find(".error, .form-error").Text(), res.Doc.Find(".invalid input, .invalid textarea, .invalid select").AttrOr("name", ""))
	}
	orderPath := res.Location
	var status string
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT status FROM voucher_codes WHERE code = $1`, codes[0]).Scan(&status); err != nil || status != "used" {
		t.Errorf("code after the request: %s %v", status, err)
	}
	if again := sub.PostForm(link, url.Values{"csr": {newCSR(t, "example.jp")}}); again.Doc.Find(`#redeem-error[data-reason="redeem.used"]`).Length() != 1 {
		t.Errorf("a second request with the code: %d", again.Status)
	}

	// Validation approves; the end user downloads the chain.
	op := env.Login(t, "op-validation")
	queue := op.Get("/operator/validation")
	if queue.Doc.Find(`tr[data-order="`+m[1]+`"]`).Length() != 1 {
		t.Fatalf("the request is not in the queue: %s", queue.Doc.Find("main").Text())
	}
	if res := op.PostForm("/operator/validation/"+m[1]+"/approve", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.Status)
	}
	if res := op.PostForm("/operator/validation/"+m[1]+"/approve", nil); res.Status != http.StatusConflict {
		t.Errorf("approving twice: %d, want 409", res.Status)
	}
	page = sub.Get(orderPath)
	pemHref, _ := page.Doc.Find("#download-pem").Attr("href")
	derHref, _ := page.Doc.Find("#download-der").Attr("href")
	if pemHref == "" || derHref == "" {
		t.Fatalf("no download links: %s", page.Doc.Find("main").Text())
	}
	chain := sub.Get(pemHref)
	var certs []*x509.Certificate
	for rest := []byte(chain.Body); ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, c)
	}
	if len(certs) != 2 {
		t.Fatalf("the chain holds %d certificates, want the leaf and the intermediate", len(certs))
	}
	want := []string{"example.jp", "www.example.jp", "*.example.jp"}
	if got := certs[0].DNSNames; !slices.Equal(got, want) {
		t.Errorf("SANs %v, want %v", got, want)
	}
	if err := certs[0].CheckSignatureFrom(certs[1]); err != nil {
		t.Errorf("the leaf is not signed by the intermediate: %v", err)
	}
	der := sub.Get(derHref)
	if leaf, err := x509.ParseCertificate([]byte(der.Body)); err != nil || !leaf.Equal(certs[0]) {
		t.Errorf("the DER download is not the leaf: %v", err)
	}

	// The renewal link of another code pre-fills the request from this certificate.
	renewal := sub.Get("/secure/orders/expiring/?product=" + url.QueryEscape(product) + "&vc=" + codes[1])
	if cn := renewal.Doc.Find("#f-common_name").AttrOr("value", ""); cn != "example.jp" ||
		!strings.Contains(renewal.Doc.Find("#f-names").Text(), "www.example.jp") || renewal.Doc.Find("#f-org_name").AttrOr("value", "") != "Example KK" {
		t.Errorf("the renewal form is not pre-filled: cn %q, names %q", cn, renewal.Doc.Find("#f-names").Text())
	}

	// Another end user sees none of it; a staff session is no end user.
	other := signedInSubscriber(t, env, "jiro@example.jp")
	for _, p := range []string{orderPath, pemHref, derHref} {
		if res := other.Get(p); res.Status != http.StatusNotFound {
			t.Errorf("another end user on %s: %d, want 404", p, res.Status)
		}
	}
	if res := other.PostForm(orderPath+"/cancel", nil); res.Status != http.StatusNotFound {
		t.Errorf("another end user cancelling: %d, want 404", res.Status)
	}

	// The partner sees the order with its common name, and may cancel it.
	acme := env.Login(t, "acme-admin")
	list := acme.Get("/certificates")
	if row := list.Doc.Find(`tr[data-order="` + m[1] + `"]`).Text(); !strings.Contains(row, "example.jp") {
		t.Errorf("the partner's list lacks the order: %q", row)
	}
	env.AssertOtherPartnerGets404(t, "acme-admin", "/certificates/"+m[1])
	var used struct{ Codes []map[string]any }
	call(t, env, "GET", "/voucher/download/used-codes", apiKey(t, env, "acme-admin", "acme-admin"), nil).decode(t, &used)
	if len(used.Codes) != 1 || used.Codes[0]["cert_common_name"] != "example.jp" || used.Codes[0]["certificate_order_id"] != m[1] ||
		used.Codes[0]["cert_organization"] != "Example KK" || used.Codes[0]["cert_validity_end_date"] == "" || used.Codes[0]["order_valid_till"] == nil {
		t.Errorf("the API's used code: %v", used.Codes)
	}
	confirm := acme.Get("/certificates/" + m[1] + "/cancel")
	if got := confirm.Doc.Find("#cancel-outcome").AttrOr("data-outcome", ""); got != "certificate.confirm_given_back" {
		t.Errorf("the confirmation says %q, want that the code comes back", got)
	}
	if res := other.Get(orderPath + "/cancel"); res.Status != http.StatusNotFound {
		t.Errorf("another end user's cancel page: %d", res.Status)
	}
	if res := acme.PostForm("/certificates/"+m[1]+"/cancel", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("partner cancel: %d", res.Status)
	}
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT status FROM voucher_codes WHERE code = $1`, codes[0]).Scan(&status); err != nil || status != "active" {
		t.Errorf("code after a cancel within 30 days: %s %v", status, err)
	}
	crl := env.Client(t).Get("/crl/intermediate.crl")
	if crl.Header.Get("Cache-Control") != "public, max-age=300" || crl.Header.Get("Content-Type") != "application/pkix-crl" {
		t.Errorf("CRL headers: %q %q", crl.Header.Get("Cache-Control"), crl.Header.Get("Content-Type"))
	}
	stale := env.Client(t)
	u, _ := url.Parse(env.URL)
	stale.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "portal_session", Value: "stale", Path: "/"}})
	if res := stale.Get("/crl/intermediate.crl"); res.Header.Get("Set-Cookie") == "" || strings.Contains(res.Header.Get("Cache-Control"), "public") {
		t.Errorf("a CRL answer that clears a cookie (%q) is cacheable by anyone: %q", res.Header.Get("Set-Cookie"), res.Header.Get("Cache-Control"))
	}
	list2, err := x509.ParseRevocationList([]byte(crl.Body))
	if err != nil {
		t.Fatalf("CRL: %v", err)
	}
	if err := list2.CheckSignatureFrom(certs[1]); err != nil || len(list2.RevokedCertificateEntries) != 1 ||
		list2.RevokedCertificateEntries[0].SerialNumber.Cmp(certs[0].SerialNumber) != 0 {
		t.Errorf("CRL: %v, %d entries", err, len(list2.RevokedCertificateEntries))
	}
}

func TestValidationRejectsWithAReasonAndGivesTheCodeBack(t *testing.T) {
	env := webtest.Start(t)
	codes, product := voucherCodes(t, env, "1")
	sub := signedInSubscriber(t, env, "hanako@example.jp")
	res := sub.PostForm(redeemPath(product, codes[0]), withOrg(url.Values{"csr": {newCSR(t, "example.jp", "www.example.jp")}}))
	m := orderLocation.FindStringSubmatch(res.Location)
	if m == nil {
		t.Fatalf("request: %d %s %s", res.Status, res.Doc.Find(".error, .form-error, .field-error").Text(), res.Doc.Find(".invalid").AttrOr("class", "")+res.Doc.Find(".invalid input, .invalid textarea, .invalid select").AttrOr("name", ""))
	}
	op := env.Login(t, "op-validation")
	before := env.Fingerprint(t)
	if res := op.PostForm("/operator/validation/"+m[1]+"/reject", url.Values{"reason": {" "}}); res.Status != http.StatusUnprocessableEntity ||
		res.Doc.Find("#e-reason").Length() != 1 {
		t.Errorf("reject without a reason: %d", res.Status)
	}
	if env.Fingerprint(t) != before {
		t.Error("a refused rejection wrote something")
	}
	if res := op.PostForm("/operator/validation/"+m[1]+"/reject", url.Values{"reason": {"The domain is not registered to you."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("reject: %d", res.Status)
	}
	var status string
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT status FROM voucher_codes WHERE code = $1`, codes[0]).Scan(&status); err != nil || status != "active" {
		t.Errorf("code after a rejection: %s %v", status, err)
	}
	var mailed bool
	for _, msg := range env.Outbox(t) {
		mailed = mailed || slices.Contains(msg.To, "hanako@example.jp") && strings.Contains(msg.BodyText, "The domain is not registered to you.") &&
			strings.HasPrefix(msg.BodyText, "Dear Hanako Yamada,")
	}
	if !mailed {
		t.Error("the end user was not emailed the reason")
	}
	page := sub.Get("/secure/orders/" + m[1])
	if page.Doc.Find("#reject-reason").Text() != "The domain is not registered to you." {
		t.Errorf("the order page does not show the reason")
	}
	again, _ := page.Doc.Find("#request-again").Attr("href")
	if again != redeemPath(product, codes[0]) || sub.Get(again).Doc.Find("#request-form").Length() != 1 {
		t.Errorf("the way to request again: %q", again)
	}
}

func TestCertificateRolesAreCheckedOnTheServer(t *testing.T) {
	env := webtest.Start(t)
	codes, product := voucherCodes(t, env, "1")
	sub := signedInSubscriber(t, env, "hanako@example.jp")
	res := sub.PostForm(redeemPath(product, codes[0]), withOrg(url.Values{"csr": {newCSR(t, "example.jp")}}))
	m := orderLocation.FindStringSubmatch(res.Location)
	if m == nil {
		t.Fatalf("request: %d %s %s", res.Status, res.Doc.Find(".error, .form-error, .field-error").Text(), res.Doc.Find(".invalid").AttrOr("class", "")+res.Doc.Find(".invalid input, .invalid textarea, .invalid select").AttrOr("name", ""))
	}
	// Partner staff, delivery and other operator roles cannot validate.
	for _, user := range []string{"acme-admin", "op-delivery", "op-finance"} {
		c := env.Login(t, user)
		if res := c.PostForm("/operator/validation/"+m[1]+"/approve", nil); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
			t.Errorf("%s approving: %d", user, res.Status)
		}
		if res := c.Get("/operator/validation"); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
			t.Errorf("%s on the queue: %d", user, res.Status)
		}
	}
	// An end user's session is nobody on staff pages.
	for _, p := range []string{"/certificates", "/certificates/" + m[1], "/operator/validation", "/operator/validation/" + m[1]} {
		if res := sub.Get(p); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/login") {
			t.Errorf("an end user on %s: %d %q", p, res.Status, res.Location)
		}
	}
	if res := sub.PostForm("/operator/validation/"+m[1]+"/approve", nil); res.Status < 300 || res.Status == http.StatusOK {
		t.Errorf("an end user approving: %d", res.Status)
	}
	var st string
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT status FROM certificate_orders WHERE id = $1`, m[1]).Scan(&st); err != nil || st != "pending" {
		t.Errorf("after the refused approvals: %s %v", st, err)
	}
}

// TestAnEndUserIsNobodyOnEveryStaffRoute walks the router: with only an
// end user's session, every page and action outside /secure (but the
// public ones) sends them to the staff sign-in or refuses, and changes
// nothing.
func TestAnEndUserIsNobodyOnEveryStaffRoute(t *testing.T) {
	env := webtest.Start(t)
	placeOrder(t, env.Login(t, "acme-admin"), [4]string{"1:1", "1", "1", "0"})
	ids := sampleIDs(t, env)
	sub := signedInSubscriber(t, env, "hanako@example.jp")
	public := []string{"/login", "/signup", "/password/", "/language", "/static/", "/healthz", "/readyz", "/metrics",
		"/crl/", "/services/v2", "/secure", "/logout"}
	gets, posts := routes(t, env)
	before := env.Fingerprint(t)
	tried := 0
	check := func(method, route string) {
		if route == "/" || slices.ContainsFunc(public, func(p string) bool { return strings.HasPrefix(route, p) }) {
			return
		}
		tried++
		path := fillPath(route, ids)
		var res *webtest.Response
		if method == http.MethodGet {
			res = sub.Get(path)
		} else {
			res = sub.PostForm(path, url.Values{})
		}
		signIn := res.Status == http.StatusSeeOther && strings.HasPrefix(res.Location, "/login")
		if !signIn && res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
			t.Errorf("%s %s as an end user: %d %q", method, path, res.Status, res.Location)
		}
	}
	for _, r := range gets {
		check(http.MethodGet, r)
	}
	for _, r := range posts {
		check(http.MethodPost, r)
	}
	if env.Fingerprint(t) != before {
		t.Error("an end user's requests to staff routes changed something")
	}
	if tried < 80 {
		t.Errorf("only %d staff routes tried", tried)
	}
	t.Logf("%d staff routes refused an end user", tried)
}
