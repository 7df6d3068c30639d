package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/web/webtest"
)

func TestSecurityHeadersOnAPageADownloadAnd404(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	for _, path := range []string{"/dashboard", "/finance/vouchers.csv", "/static/portal.css", "/nowhere", "/login"} {
		res := c.Get(path)
		h := res.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") ||
			!strings.Contains(csp, "style-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: X-Frame-Options %q, X-Content-Type-Options %q, Referrer-Policy %q", path,
				h.Get("X-Frame-Options"), h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain http", path)
		}
	}
	// No page carries inline script or style that the policy would block.
	for _, path := range []string{"/dashboard", "/finance/vouchers/new", "/finance/settings", "/account/users"} {
		doc := c.Get(path).Doc
		if n := doc.Find("script:not([src]), style, [style], [onclick], [onchange], [onsubmit]").Length(); n != 0 {
			t.Errorf("%s has %d inline scripts or styles", path, n)
		}
	}
}

func TestStaticFilesAreServedButNotListed(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	if res := c.Get("/static/portal.css"); res.Status != http.StatusOK {
		t.Errorf("portal.css: %d", res.Status)
	}
	for _, path := range []string{"/static/", "/static", "/static/../"} {
		if res := c.Get(path); res.Status != http.StatusNotFound || strings.Contains(res.Body, `href="portal.css"`) {
			t.Errorf("GET %s: %d, lists the files: %v", path, res.Status, strings.Contains(res.Body, `href="portal.css"`))
		}
	}
}

func TestUnderHTTPSCookiesAreSecureAndHSTSIsSent(t *testing.T) {
	env := webtest.Start(t, "PORTAL_BASE_URL=https://portal.example.jp")
	c := env.Login(t, "acme-admin")
	res := c.PostForm("/account/groups", url.Values{"name": {"Acme East"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("group: %d", res.Status)
	}
	var flash string
	for _, sc := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "portal_flash=") {
			flash = sc
		}
	}
	for _, attr := range []string{"Secure", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(flash, attr) {
			t.Errorf("flash cookie %q lacks %s", flash, attr)
		}
	}
	if hsts := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") {
		t.Errorf("HSTS under https: %q", hsts)
	}
}

func TestSignupRefusesLongEmailsUnofferedCountriesAndControlCharacters(t *testing.T) {
	env := webtest.Start(t)
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".jp" // 254 characters: accepted
	cases := []struct {
		field, value, message string
	}{
		{"email", strings.Repeat("x", 10_000) + "@example.jp", "Enter an email address"},
		{"email", "a" + long, "Enter an email address"},
		{"country", "XX", "Choose one of the options"},
		{"country", "É", "Choose one of the options"},
		{"first_name", "Ta\x1bro", "characters that cannot be stored"},
		{"city", "Pa\xffris", "characters that cannot be stored"},
		{"street", "Line\nbreak", "characters that cannot be stored"},
	}
	for _, c := range cases {
		before := env.Fingerprint(t)
		res := env.Client(t).PostForm("/signup", with(signupForm(), c.field, c.value))
		msg := res.Doc.Find("#e-" + c.field).Text()
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(msg, c.message) {
			t.Errorf("%s=%.40q: %d %q", c.field, c.value, res.Status, msg)
		}
		if env.Fingerprint(t) != before {
			t.Errorf("%s=%.40q wrote something", c.field, c.value)
		}
	}
	if res := env.Client(t).PostForm("/signup", with(signupForm(), "email", long, "country", "US", "state", "CA", "postal_code", "94105")); res.Status != http.StatusSeeOther {
		t.Errorf("a 254-character address from the US: %d %s", res.Status, res.Doc.Find(".field-error").Text())
	}
}

func TestMultiLineFieldsKeepNewlines(t *testing.T) {
	env := webtest.Start(t)
	id := submitSignup(t, env, signupForm())
	sales := env.Login(t, "op-sales")
	path := "/operator/signups/" + itoa(id) + "/reject"
	if res := sales.PostForm(path, url.Values{"reason": {"Bell\a"}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("a bell in the reason: %d", res.Status)
	}
	if res := sales.PostForm(path, url.Values{"reason": {"Not a reseller.\r\n\tPlease apply again."}}); res.Status != http.StatusSeeOther {
		t.Errorf("a two-line reason: %d %s", res.Status, res.Doc.Find(".field-error").Text())
	}
}

func TestConcurrentReissuesMakeOneReplacement(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	reissue := c.Get(order+"?codes=show").Doc.Find("#codes a.reissue").First().AttrOr("href", "")
	if reissue == "" {
		t.Fatal("no reissue link")
	}
	statuses := make([]int, 5)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() { statuses[i] = c.PostForm(reissue, nil).Status })
	}
	wg.Wait()
	won, lost := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusSeeOther:
			won++
		case http.StatusConflict:
			lost++
		}
	}
	if won != 1 || lost != 4 {
		t.Errorf("statuses %v: want one 303 and four 409", statuses)
	}
	var replacements int
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM voucher_codes WHERE replaces IS NOT NULL`).Scan(&replacements); err != nil {
		t.Fatal(err)
	}
	if replacements != 1 {
		t.Errorf("%d replacement codes, want 1", replacements)
	}
	if res := c.PostForm(reissue, nil); res.Status != http.StatusConflict || !webtest.IsTranslated(res.Doc.Find("main").Text()) {
		t.Errorf("a late reissue: %d", res.Status)
	}
}

func TestOperatorsOwnSettingsDuringDeliveryStayOutOfThePartnersLog(t *testing.T) {
	env := webtest.Start(t)
	staff := env.Login(t, "op-delivery")
	if res := staff.PostForm("/operator/delivery/1/enter", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("enter: %d", res.Status)
	}
	if res := staff.PostForm("/language", url.Values{"lang": {"ja"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("language: %d", res.Status)
	}
	entries, err := audit.List(context.Background(), env.App.Pool, audit.Filter{Action: audit.LanguageChanged})
	if err != nil || len(entries) != 1 {
		t.Fatalf("entries %v, %v", entries, err)
	}
	if e := entries[0]; e.ActorUsername != "op-delivery" || e.PartnerID != 0 || e.ActingForPartnerID != 1 {
		t.Errorf("language entry: partner %d, acting for %d, by %s; want the staff member's own entry naming Acme",
			e.PartnerID, e.ActingForPartnerID, e.ActorUsername)
	}
	if got := env.Login(t, "acme-admin").Get("/account/audit").Doc.Find(`td[data-action="` + string(audit.LanguageChanged) + `"]`).Length(); got != 0 {
		t.Errorf("Acme's audit log shows %d language changes of the operator", got)
	}
}
