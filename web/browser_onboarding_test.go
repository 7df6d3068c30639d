package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestBrowserOnboarding drives Chromium through the whole onboarding: an
// applicant signs up, op-sales approves and enters a price table, the new
// Administrator sets a password from the emailed link, fills in the billing
// contact in Japanese and sees the price table.
func TestBrowserOnboarding(t *testing.T) {
	env := webtest.Start(t)
	ctx := webtest.Browser(t)
	b := browser{t: t, ctx: ctx, base: env.URL}

	b.open("/signup")
	b.fill(map[string]string{"f-first_name": "Hanako", "f-last_name": "Yamada", "f-job_title": "CTO", "f-email": "hanako@newco.example",
		"f-phone": "06-1234-5678", "f-company_name": "NewCo K.K.", "f-state": "大阪府", "f-city": "大阪市北区", "f-street": "梅田1-1-1", "f-postal_code": "530-0001"})
	b.selectValue("f-job_function", "it")
	webtest.Screenshot(t, ctx, "signup-en")
	b.click("signup-submit")
	b.expectText("#signup-done", "received your application")

	b.signIn("op-sales", demo.Password)
	b.open("/operator/signups")
	b.clickLink("NewCo K.K.")
	b.click("approve")
	b.expectText(".flash", "申請を承認") // op-sales works in Japanese
	b.open("/operator/partners/3/contract/new?copy_from=1")
	b.fill(map[string]string{`p10_y1_base`: "18000"}) // Basic OV, 1 year (product 10)
	webtest.Screenshot(t, ctx, "contract-editor")
	b.click("contract-save")
	b.expectText("#versions", "NET30EOM")
	b.click("logout")

	msgs := env.Outbox(t)
	link := inviteRE.FindString(msgs[len(msgs)-1].BodyText)
	if link == "" {
		t.Fatal("no invitation link")
	}
	b.openURL(link)
	b.fill(map[string]string{"f-password": "大阪の新しい会社のパスワード", "f-confirm": "大阪の新しい会社のパスワード"})
	b.clickSubmit()
	b.signIn("hanako", "大阪の新しい会社のパスワード")
	b.click("lang-ja")
	b.open("/finance/settings")
	b.expectText("#billing-not-set", "請求担当者がまだ設定されていません")
	webtest.Screenshot(t, ctx, "billing-first-visit-ja")
	b.click("billing-change")
	b.fill(map[string]string{"f-name": "山田 花子", "f-organization": "ニューコ株式会社", "f-city": "大阪市北区",
		"f-address1": "梅田1-1-1", "f-address2": "梅田ビル10階", "f-emails": "keiri@newco.example"})
	b.click("billing-save")
	b.expectText(".flash", "請求担当者を保存しました")
	b.expectText("#contact-facts", "ニューコ株式会社")
	b.open("/finance/pricing")
	b.expectText("#contract-status", "有効な契約があります")
	b.expectText(`tr[data-product="ssl_basic_ov"] td.pricecell`, "¥18,000")
	webtest.Screenshot(t, ctx, "pricing-ja")
}

// browser is a small driver for one test's Chromium tab.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (b browser) must(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
}

func (b browser) open(path string) { b.t.Helper(); b.openURL(b.base + path) }

func (b browser) openURL(u string) {
	b.t.Helper()
	b.must(chromedp.Do(b.ctx, chromedp.Navigate(u)))
}

func (b browser) fill(fields map[string]string) {
	b.t.Helper()
	for id, v := range fields {
		b.must(chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(`[id="`+id+`"], [name="`+id+`"]`), v)))
	}
}

func (b browser) selectValue(id, v string) {
	b.t.Helper()
	b.must(chromedp.Do(b.ctx, chromedp.SetValue(chromedp.ID(id), v)))
}

func (b browser) click(id string) { b.t.Helper(); b.must(webtest.ClickAndWait(b.ctx, id)) }

func (b browser) clickSubmit() {
	b.t.Helper()
	b.must(webtest.ClickAndWaitCSS(b.ctx, `main button[type="submit"]`))
}

func (b browser) clickLink(text string) {
	b.t.Helper()
	b.must(webtest.ClickAndWaitCSS(b.ctx, `a[href^="/operator/signups/"]`))
	b.expectText("#signup-facts", text)
}

func (b browser) signIn(user, password string) {
	b.t.Helper()
	b.open("/login")
	b.fill(map[string]string{"f-username": user, "f-password": password})
	b.click("login-submit")
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	b.must(err)
	if strings.Contains(loc, "/login") {
		b.t.Fatalf("sign-in as %s failed", user)
	}
}

func (b browser) expectText(sel, want string) {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	b.must(err)
	if !strings.Contains(got, want) {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("%s on %s shows %q, want %q", sel, loc, got, want)
	}
}
