package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/web/webtest"
)

var resetLinkPath = regexp.MustCompile(`/secure/password/reset\?token=[A-Za-z0-9_%-]+`)

// resetLinks returns the password reset links emailed to address, oldest
// first, with the subjects of those emails.
func resetLinks(t *testing.T, env *webtest.Env, address string) (links, subjects []string) {
	t.Helper()
	for _, m := range env.Outbox(t) {
		if len(m.To) == 1 && m.To[0] == address {
			if link := resetLinkPath.FindString(m.BodyText); link != "" {
				if !strings.Contains(m.BodyText, env.URL+link) {
					t.Errorf("the emailed link is not absolute: %s", m.BodyText)
				}
				links, subjects = append(links, link), append(subjects, m.Subject)
			}
		}
	}
	return links, subjects
}

// askForReset opens the "forgot your password" page through the link on
// the sign-in page of next, and asks a link for email.
func askForReset(t *testing.T, c *webtest.Client, email, next string) *webtest.Response {
	t.Helper()
	login := c.Get("/secure/login?next=" + url.QueryEscape(next))
	href := login.Doc.Find("#forgot-link").AttrOr("href", "")
	if href != "/secure/password/forgot?next="+url.QueryEscape(next) {
		t.Fatalf("the sign-in page's link %q loses the page to return to", href)
	}
	page := c.Get(href)
	if page.Status != http.StatusOK {
		t.Fatalf("forgot page: %d", page.Status)
	}
	form := webtest.FormValues(page.Doc, "#subscriber-forgot")
	if form.Get("next") != next {
		t.Errorf("the form keeps next=%q, want %q", form.Get("next"), next)
	}
	form.Set("email", email)
	return c.PostForm("/secure/password/forgot", form)
}

func TestSubscriberResetsAForgottenPassword(t *testing.T) {
	env := webtest.Start(t)
	ctx := context.Background()
	codes, product := voucherCodes(t, env, "1")
	voucherPage := redeemPath(product, codes[0])
	const email, newPassword = "hanako@example.jp", "a brand new password"

	// Hanako is signed in on two devices.
	phone, _ := signUpSubscriber(t, env, email, voucherPage)
	laptop := env.Client(t)
	for _, c := range []*webtest.Client{phone, laptop} {
		if res := subscriberLogin(t, c, email, voucherPage); res.Status != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", res.Status)
		}
	}

	// On a third, she forgot her password: she asks for a link from the
	// voucher's sign-in page.
	c := env.Client(t)
	res := askForReset(t, c, email, voucherPage)
	if res.Status != http.StatusOK || !webtest.IsTranslated(res.Doc.Find("#forgot-sent").Text()) {
		t.Fatalf("asking for a link: %d %s", res.Status, res.Doc.Find("#main").Text())
	}
	links, subjects := resetLinks(t, env, email)
	if len(links) != 1 || subjects[0] != "Set a new password" {
		t.Fatalf("reset mails: %v", subjects)
	}
	page := c.Get(links[0])
	if page.Status != http.StatusOK {
		t.Fatalf("reset page: %d", page.Status)
	}
	form := webtest.FormValues(page.Doc, "#subscriber-reset")

	// Bad input shows the form again with the field's message and changes nothing.
	for _, tc := range []struct{ password, confirm, field, want string }{
		{"short", "short", "password", "10 to 128 characters"},
		{newPassword, "not the same password", "confirm", "The two passwords differ."},
		{"", "", "password", "10 to 128 characters"},
	} {
		before := env.Fingerprint(t)
		form.Set("password", tc.password)
		form.Set("confirm", tc.confirm)
		res := c.PostForm("/secure/password/reset", form)
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%q/%q: %d, want 422", tc.password, tc.confirm, res.Status)
		}
		if got := res.Doc.Find("#e-" + tc.field).Text(); !strings.Contains(got, tc.want) {
			t.Errorf("%q/%q: the %s field says %q, want %q", tc.password, tc.confirm, tc.field, got, tc.want)
		}
		if res.Doc.Find(`#subscriber-reset input[name="token"]`).AttrOr("value", "") != form.Get("token") {
			t.Error("the form shown again lost the link's token")
		}
		if env.Fingerprint(t) != before {
			t.Errorf("%q/%q wrote to the database", tc.password, tc.confirm)
		}
	}

	// The new password is set: back to the sign-in page of the voucher, with a message.
	form.Set("password", newPassword)
	form.Set("confirm", newPassword)
	res = c.PostForm("/secure/password/reset", form)
	if want := "/secure/login?next=" + url.QueryEscape(voucherPage); res.Status != http.StatusSeeOther || res.Location != want {
		t.Fatalf("reset: %d %q, want 303 %q: %s", res.Status, res.Location, want, res.Doc.Find(".field-error, .form-error").Text())
	}
	login := c.Get(res.Location)
	if flash := login.Doc.Find(".flash").Text(); !strings.Contains(flash, "Your password has been changed") {
		t.Errorf("flash %q", flash)
	}
	if next := login.Doc.Find(`#subscriber-login input[name="next"]`).AttrOr("value", ""); next != voucherPage {
		t.Errorf("the sign-in form keeps next=%q", next)
	}

	// The link works once.
	before := env.Fingerprint(t)
	again := c.PostForm("/secure/password/reset", form)
	if again.Status != http.StatusNotFound || again.Doc.Find("#reset-invalid").Length() != 1 {
		t.Errorf("the link used twice: %d", again.Status)
	}
	if href := again.Doc.Find("#reset-again").AttrOr("href", ""); href != "/secure/password/forgot" {
		t.Errorf("the invalid link's page offers %q", href)
	}
	if res := c.Get(links[0]); res.Status != http.StatusNotFound || !webtest.IsTranslated(res.Doc.Find("#reset-invalid").Text()) {
		t.Errorf("the used link opened: %d", res.Status)
	}
	if env.Fingerprint(t) != before {
		t.Error("the used link wrote to the database")
	}

	// Both devices were signed out; the old password no longer works, the new one does.
	for _, d := range []*webtest.Client{phone, laptop} {
		if res := d.Get(voucherPage); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/secure/login") {
			t.Errorf("a session survived the reset: %d %q", res.Status, res.Location)
		}
	}
	if res := subscriberLogin(t, c, email, voucherPage); res.Status != http.StatusUnauthorized {
		t.Errorf("old password: %d, want 401", res.Status)
	}
	signIn := url.Values{"email": {email}, "password": {newPassword}, "next": {voucherPage}}
	if res := c.PostForm("/secure/login", signIn); res.Status != http.StatusSeeOther || res.Location != voucherPage {
		t.Fatalf("new password: %d %q", res.Status, res.Location)
	}
	if res := c.Get(voucherPage); res.Status != http.StatusOK {
		t.Errorf("voucher page after signing in: %d", res.Status)
	}

	// A link older than an hour no longer works, and changes nothing.
	if err := env.App.TestClock.Advance(ctx, 2*time.Minute, nil); err != nil { // past the resend gap
		t.Fatal(err)
	}
	if res := askForReset(t, env.Client(t), email, voucherPage); res.Status != http.StatusOK {
		t.Fatalf("second request: %d", res.Status)
	}
	links, _ = resetLinks(t, env, email)
	if len(links) != 2 {
		t.Fatalf("%d reset links", len(links))
	}
	late := env.Client(t)
	page = late.Get(links[1])
	if page.Status != http.StatusOK {
		t.Fatalf("fresh link: %d", page.Status)
	}
	form = webtest.FormValues(page.Doc, "#subscriber-reset")
	form.Set("password", "too late a password")
	form.Set("confirm", "too late a password")
	if err := env.App.TestClock.Advance(ctx, subscriber.ResetLinkLifetime+time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	before = env.Fingerprint(t)
	if res := late.Get(links[1]); res.Status != http.StatusNotFound || res.Doc.Find("#reset-invalid").Length() != 1 {
		t.Errorf("expired link opened: %d", res.Status)
	}
	if res := late.PostForm("/secure/password/reset", form); res.Status != http.StatusNotFound || res.Doc.Find("#reset-invalid").Length() != 1 {
		t.Errorf("expired link used: %d", res.Status)
	}
	if env.Fingerprint(t) != before {
		t.Error("the expired link wrote to the database")
	}
	if res := env.Client(t).PostForm("/secure/login", signIn); res.Status != http.StatusSeeOther {
		t.Errorf("the password changed through the expired link: sign-in %d", res.Status)
	}
}

func TestSubscriberPasswordResetTellsNobodyWhoHasAnAccount(t *testing.T) {
	env := webtest.Start(t)
	ctx := context.Background()
	const email = "taro@example.jp"
	signUpSubscriber(t, env, email, "/secure/")
	// Taro reads the portal in Japanese: his email comes in Japanese,
	// whatever the language of the browser that asks.
	if _, err := env.App.Pool.Exec(ctx, `UPDATE subscribers SET language = 'ja' WHERE email = $1`, email); err != nil {
		t.Fatal(err)
	}
	c := env.Client(t)
	known := askForReset(t, c, email, "/secure/")
	sent := len(env.Outbox(t))
	before := env.Fingerprint(t)
	unknown := askForReset(t, c, "nobody@example.jp", "/secure/")
	if known.Status != http.StatusOK || unknown.Status != http.StatusOK {
		t.Fatalf("statuses %d and %d", known.Status, unknown.Status)
	}
	if k, u := known.Doc.Find("#main").Text(), unknown.Doc.Find("#main").Text(); k != u {
		t.Errorf("the answers differ:\n%s\n%s", k, u)
	}
	if n := len(env.Outbox(t)); n != sent {
		t.Errorf("an unknown address sent %d emails", n-sent)
	}
	if tables := changedTables(before, env.Fingerprint(t)); len(tables) != 1 || tables[0] != "audit_log" {
		t.Errorf("an unknown address changed %s, want only the audit log (it counts towards the cap)", tables)
	}
	links, subjects := resetLinks(t, env, email)
	if len(links) != 1 || subjects[0] != "パスワード再設定のご案内" {
		t.Errorf("reset mails %v", subjects)
	}

	// An address that is not one is refused on the form, writing nothing.
	before = env.Fingerprint(t)
	res := c.PostForm("/secure/password/forgot", url.Values{"email": {"not-an-address"}, "next": {"/secure/"}})
	if res.Status != http.StatusUnprocessableEntity || !webtest.IsTranslated(res.Doc.Find("#e-email").Text()) {
		t.Errorf("bad address: %d %q", res.Status, res.Doc.Find("#e-email").Text())
	}
	if env.Fingerprint(t) != before {
		t.Error("a bad address wrote to the database")
	}

	// Requests from one address are capped, known or not.
	for i := 2; i < subscriber.MaxResetsPerHour; i++ {
		if res := c.PostForm("/secure/password/forgot", url.Values{"email": {"someone@example.jp"}}); res.Status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, res.Status)
		}
	}
	before = env.Fingerprint(t)
	res = c.PostForm("/secure/password/forgot", url.Values{"email": {email}})
	if res.Status != http.StatusTooManyRequests || !webtest.IsTranslated(res.Doc.Find(".form-error").Text()) {
		t.Errorf("over the cap: %d %q", res.Status, res.Doc.Find(".form-error").Text())
	}
	if env.Fingerprint(t) != before {
		t.Error("a request over the cap wrote to the database")
	}

	// The sign-in page and the forgot page in Japanese.
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/secure/login", nil)
	req.Header.Set("Accept-Language", "ja")
	ja := c.Do(req)
	if got := strings.TrimSpace(ja.Doc.Find("#forgot-link").Text()); got != "パスワードをお忘れですか?" {
		t.Errorf("Japanese link %q", got)
	}
	req, _ = http.NewRequest(http.MethodGet, env.URL+"/secure/password/forgot", nil)
	req.Header.Set("Accept-Language", "ja")
	if got := c.Do(req).Doc.Find("#subscriber-forgot").Text(); !strings.Contains(got, "メールアドレス") {
		t.Errorf("Japanese form %q", got)
	}
}
