package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/web/webtest"
)

const subscriberPassword = "correct horse battery"

// voucherCodes places an Acme order of n codes and returns the codes with
// their product code.
func voucherCodes(t *testing.T, env *webtest.Env, n string) (codes []string, product string) {
	t.Helper()
	placeOrder(t, env.Login(t, "acme-admin"), [4]string{"1:1", n, "2", "1"})
	rows, err := env.App.Pool.Query(context.Background(), `
		SELECT c.code, p.code FROM voucher_codes c JOIN voucher_order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no
		JOIN products p ON p.id = l.product_id WHERE c.order_id = (SELECT max(id) FROM voucher_orders) ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c, &product); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
	}
	return codes, product
}

func redeemPath(product, code string) string {
	return "/secure/requests/ssl_certificate/" + url.PathEscape(product) + "?vc=" + url.QueryEscape(code)
}

var verifyLink = regexp.MustCompile(`/secure/verify\?token=[A-Za-z0-9_%-]+`)

// signUpSubscriber signs up email from the page next, follows the emailed
// link and returns the client, still signed out, and where verifying led.
func signUpSubscriber(t *testing.T, env *webtest.Env, email, next string) (*webtest.Client, string) {
	t.Helper()
	c := env.Client(t)
	page := c.Get("/secure/signup?next=" + url.QueryEscape(next))
	form := webtest.FormValues(page.Doc, "#subscriber-signup")
	form.Set("name", "Hanako Yamada")
	form.Set("email", email)
	form.Set("password", subscriberPassword)
	form.Set("confirm", subscriberPassword)
	form.Set("language", "en")
	if res := c.PostForm("/secure/signup", form); res.Status != http.StatusSeeOther || res.Location != "/secure/signup/sent" {
		t.Fatalf("sign-up: %d %s %s", res.Status, res.Location, res.Doc.Find(".field-error, .form-error").Text())
	}
	var link string
	for _, m := range env.Outbox(t) {
		if len(m.To) == 1 && m.To[0] == email {
			link = verifyLink.FindString(m.BodyText)
		}
	}
	if link == "" {
		t.Fatalf("no verification link emailed to %s", email)
	}
	page = c.Get(link)
	if page.Status != http.StatusOK {
		t.Fatalf("verify page: %d", page.Status)
	}
	res := c.PostForm("/secure/verify", webtest.FormValues(page.Doc, "#subscriber-verify"))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("verify: %d", res.Status)
	}
	if again := c.PostForm("/secure/verify", webtest.FormValues(page.Doc, "#subscriber-verify")); again.Status != http.StatusNotFound {
		t.Errorf("the link used twice: %d, want 404", again.Status)
	}
	return c, res.Location
}

func subscriberLogin(t *testing.T, c *webtest.Client, email, next string) *webtest.Response {
	t.Helper()
	return c.PostForm("/secure/login", url.Values{"email": {email}, "password": {subscriberPassword}, "next": {next}})
}

func TestSubscriberRedeemsAVoucherLinkAfterSigningUp(t *testing.T) {
	env := webtest.Start(t)
	codes, product := voucherCodes(t, env, "1")
	link := redeemPath(product, codes[0])
	renewal := "/secure/orders/expiring/?product=" + url.QueryEscape(product) + "&vc=" + codes[0]

	anon := env.Client(t)
	for _, p := range []string{link, renewal} {
		res := anon.Get(p)
		if res.Status != http.StatusSeeOther || res.Location != "/secure/login?next="+url.QueryEscape(p) {
			t.Fatalf("%s signed out: %d %q", p, res.Status, res.Location)
		}
	}
	login := anon.Get("/secure/login?next=" + url.QueryEscape(link))
	signup, _ := login.Doc.Find("#signup-link").Attr("href")
	if !strings.Contains(signup, url.QueryEscape(link)) {
		t.Errorf("the sign-up link %q loses the page to return to", signup)
	}

	c, back := signUpSubscriber(t, env, "hanako@example.jp", link)
	if back != "/secure/login?next="+url.QueryEscape(link) {
		t.Errorf("verifying led to %q", back)
	}
	if res := subscriberLogin(t, c, "hanako@example.jp", link); res.Status != http.StatusSeeOther || res.Location != link {
		t.Fatalf("sign-in: %d %q %s", res.Status, res.Location, res.Doc.Find(".form-error").Text())
	}
	page := c.Get(link)
	if page.Status != http.StatusOK {
		t.Fatalf("request page: %d", page.Status)
	}
	applied := page.Doc.Find("#redeem-applied").Text()
	for _, want := range []string{codes[0], "No payment"} {
		if !strings.Contains(applied, want) {
			t.Errorf("the page lacks %q: %s", want, applied)
		}
	}
	if page.Doc.Find("#request-form textarea[name=csr]").Length() != 1 {
		t.Error("the page has no request form with a CSR field")
	}
	if f, w := page.Doc.Find("#redeem-fqdns").Text(), page.Doc.Find("#redeem-wildcards").Text(); f != "2" || w != "1" {
		t.Errorf("allowance %s FQDNs, %s wildcards; want 2 and 1", f, w)
	}
	if res := c.Get(renewal); res.Status != http.StatusOK || res.Doc.Find("#redeem-renewal").Length() != 1 {
		t.Errorf("renewal link: %d", res.Status)
	}
	var status string
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT status FROM voucher_codes WHERE code = $1`, codes[0]).Scan(&status); err != nil || status != "active" {
		t.Errorf("opening the page changed the code: %s %v", status, err)
	}

	// Signing out ends the subscriber session; a form posted afterwards
	// leads to the sign-in, to return to the page that had the form.
	if res := c.PostForm("/secure/logout", nil); res.Status != http.StatusSeeOther {
		t.Errorf("sign-out: %d", res.Status)
	}
	if res := c.Get(link); res.Status != http.StatusSeeOther {
		t.Errorf("after sign-out: %d, want 303", res.Status)
	}
	req, _ := http.NewRequest(http.MethodPost, env.URL+link, strings.NewReader("csr=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", env.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Referer", env.URL+link)
	if res := c.Do(req); res.Location != "/secure/login?next="+url.QueryEscape(link) {
		t.Errorf("a form posted after sign-out leads to %q", res.Location)
	}
}

func TestSubscriberSignInIsRefusedUntilVerifiedAndThrottled(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	page := c.Get("/secure/signup")
	form := webtest.FormValues(page.Doc, "#subscriber-signup")
	form.Set("name", "Taro")
	form.Set("email", "taro@example.jp")
	form.Set("password", subscriberPassword)
	form.Set("confirm", "something else entirely")
	if res := c.PostForm("/secure/signup", form); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("mismatched passwords: %d", res.Status)
	}
	form.Set("confirm", subscriberPassword)
	if res := c.PostForm("/secure/signup", form); res.Status != http.StatusSeeOther {
		t.Fatalf("sign-up: %d", res.Status)
	}
	if res := subscriberLogin(t, c, "taro@example.jp", ""); res.Status != http.StatusForbidden {
		t.Errorf("unverified sign-in: %d, want 403", res.Status)
	}
	for i := range 5 {
		res := c.PostForm("/secure/login", url.Values{"email": {"taro@example.jp"}, "password": {"wrong password!"}})
		if want := http.StatusUnauthorized; i < 4 && res.Status != want {
			t.Errorf("failure %d: %d", i+1, res.Status)
		}
	}
	if res := subscriberLogin(t, c, "taro@example.jp", ""); res.Status != http.StatusTooManyRequests {
		t.Errorf("after five failures: %d, want 429", res.Status)
	}
	// A staff username with the same text is not locked: the keys differ.
	env.Login(t, "acme-admin")
}

func TestRedeemShowsWhyACodeCannotBeUsed(t *testing.T) {
	env := webtest.Start(t)
	codes, product := voucherCodes(t, env, "5")
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		if _, err := env.App.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE voucher_codes SET status = 'used', used_at = now() WHERE code = $1`, codes[0])
	exec(`UPDATE voucher_codes SET status = 'cancelled' WHERE code = $1`, codes[1])
	exec(`UPDATE voucher_codes SET status = 'reissued' WHERE code = $1`, codes[2])
	c, _ := signUpSubscriber(t, env, "jiro@example.jp", "/secure/")
	subscriberLogin(t, c, "jiro@example.jp", "")
	cases := []struct {
		path, reason string
		status       int
	}{
		{redeemPath(product, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), "redeem.unknown", 404},
		{redeemPath(product, ""), "redeem.unknown", 404},
		{redeemPath(product, codes[0]), "redeem.used", 409},
		{redeemPath(product, codes[1]), "redeem.cancelled", 409},
		{redeemPath(product, codes[2]), "redeem.reissued", 409},
		{redeemPath("another-product", codes[3]), "redeem.other_product", 409},
	}
	// The order's expiry is every code's: the expired case comes last.
	expired := struct {
		path, reason string
		status       int
	}{redeemPath(product, codes[4]), "redeem.expired", 409}
	for i, tc := range append(cases, expired) {
		if i == len(cases) {
			exec(`UPDATE voucher_orders SET expires_on = '2000-01-01' WHERE id = (SELECT order_id FROM voucher_codes WHERE code = $1)`, codes[4])
		}
		res := c.Get(tc.path)
		box := res.Doc.Find("#redeem-error")
		if res.Status != tc.status || box.AttrOr("data-reason", "") != tc.reason {
			t.Errorf("%s: %d %q, want %d %q", tc.path, res.Status, box.AttrOr("data-reason", ""), tc.status, tc.reason)
		}
		if text := box.Text(); !strings.Contains(text, "partner who sold") || !webtest.IsTranslated(text) {
			t.Errorf("%s: the message does not say what to do: %q", tc.path, text)
		}
		if res.Doc.Find("#redeem-applied").Length() != 0 {
			t.Errorf("%s: the code is shown as applied", tc.path)
		}
	}
}

func TestSubscriberPagesIgnoreStaffSessions(t *testing.T) {
	env := webtest.Start(t)
	codes, product := voucherCodes(t, env, "1")
	link := redeemPath(product, codes[0])
	for _, user := range []string{"acme-admin", "op-admin", "op-delivery"} {
		c := env.Login(t, user)
		if res := c.Get(link); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/secure/login") {
			t.Errorf("%s: %d %q, want the subscriber sign-in", user, res.Status, res.Location)
		}
		// The staff cookie works nowhere as a subscriber's, nor the other way round.
		staff := c.Cookie("portal_session")
		other := env.Client(t)
		u, _ := url.Parse(env.URL + "/secure/")
		other.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "portal_subscriber", Value: staff, Path: "/secure"}})
		if res := other.Get(link); res.Status != http.StatusSeeOther {
			t.Errorf("%s's staff token as a subscriber cookie: %d", user, res.Status)
		}
	}
	sub, _ := signUpSubscriber(t, env, "saburo@example.jp", "/secure/")
	subscriberLogin(t, sub, "saburo@example.jp", "")
	var token string
	secure, _ := url.Parse(env.URL + "/secure/")
	for _, ck := range sub.HTTP.Jar.Cookies(secure) {
		if ck.Name == "portal_subscriber" {
			token = ck.Value
		}
	}
	if token == "" {
		t.Fatal("no subscriber cookie")
	}
	staffLike := env.Client(t)
	u, _ := url.Parse(env.URL)
	staffLike.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "portal_session", Value: token, Path: "/"}})
	for _, p := range []string{"/dashboard", "/finance/vouchers", "/operator"} {
		if res := staffLike.Get(p); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/login") {
			t.Errorf("subscriber token as a staff session on %s: %d %q", p, res.Status, res.Location)
		}
		if res := sub.Get(p); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/login") {
			t.Errorf("a subscriber on %s: %d %q", p, res.Status, res.Location)
		}
	}
}

func TestSubscriberReturnPathMustBeLocal(t *testing.T) {
	env := webtest.Start(t)
	c, _ := signUpSubscriber(t, env, "shiro@example.jp", "https://evil.example/")
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "/dashboard", "javascript:alert(1)",
		"/secure/../\\evil.example", "/secure/../finance/vouchers"} {
		res := subscriberLogin(t, c, "shiro@example.jp", next)
		if res.Status != http.StatusSeeOther || res.Location != "/secure/" {
			t.Errorf("next=%q: %d %q, want /secure/", next, res.Status, res.Location)
		}
		c.PostForm("/secure/logout", nil)
	}
	for _, next := range []string{"//evil.example/", "/secure/../\\evil.example"} {
		page := c.Get("/secure/login?next=" + url.QueryEscape(next))
		if v := page.Doc.Find(`input[name="next"]`).AttrOr("value", ""); v != "/secure/" {
			t.Errorf("the form keeps next=%q", v)
		}
	}
	if res := c.PostForm("/secure/language", url.Values{"lang": {"en"}, "back": {"/secure/../\\evil.example"}}); res.Location != "/secure/" {
		t.Errorf("language back: %q", res.Location)
	}
}

func TestSubscriberFormsRefuseBadBytes(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	for _, tc := range []struct {
		path string
		form url.Values
	}{
		{"/secure/login", url.Values{"email": {"a\x00@example.jp"}, "password": {subscriberPassword}}},
		{"/secure/signup", url.Values{"name": {"Ha\xffnako"}, "email": {"h@example.jp"}, "password": {subscriberPassword},
			"confirm": {subscriberPassword}, "language": {"en"}}},
		{"/secure/verify", url.Values{"token": {"\x1b[31m"}}},
		{"/secure/language", url.Values{"lang": {"e\x00n"}}},
	} {
		before := env.Fingerprint(t)
		res := c.PostForm(tc.path, tc.form)
		if res.Status < 400 || res.Status >= 500 {
			t.Errorf("%s: %d, want 4xx", tc.path, res.Status)
		}
		if env.Fingerprint(t) != before {
			t.Errorf("%s wrote to the database", tc.path)
		}
	}
	if res := c.Get("/secure/requests/ssl_certificate/x?vc=%00"); res.Status != http.StatusBadRequest {
		t.Errorf("bad query: %d, want 400", res.Status)
	}
}
