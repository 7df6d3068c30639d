package web_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestBrowserSignInSwitchToJapaneseSignOut drives a real Chromium: sign in
// as acme-admin, switch to Japanese, see the Japanese navigation, sign out.
func TestBrowserSignInSwitchToJapaneseSignOut(t *testing.T) {
	env := webtest.Start(t)
	ctx := webtest.Browser(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		must(err)
		return strings.TrimSpace(s)
	}

	must(chromedp.Do(ctx, chromedp.Navigate(env.URL+"/login")))
	must(chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("f-username"), "acme-admin"),
		chromedp.SendKeys(chromedp.ID("f-password"), demo.Password)))
	webtest.Screenshot(t, ctx, "login-en")
	must(webtest.ClickAndWait(ctx, "login-submit"))
	if got := text("#welcome"); got != "Welcome, Acme Administrator." {
		t.Fatalf("after sign-in: %q", got)
	}
	webtest.Screenshot(t, ctx, "dashboard-en")

	must(webtest.ClickAndWait(ctx, "lang-ja"))
	lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	must(err)
	if lang != "ja" {
		t.Errorf("html lang = %q after switching", lang)
	}
	nav, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("nav a, .navgroup-title")].map(e => e.textContent.trim())`))
	must(err)
	for _, want := range []string{"ダッシュボード", "アカウント", "ユーザー"} {
		if !slices.Contains(nav, want) {
			t.Errorf("Japanese navigation %v lacks %q", nav, want)
		}
	}
	if got := text("#logout"); got != "サインアウト" {
		t.Errorf("sign-out button says %q", got)
	}
	webtest.Screenshot(t, ctx, "dashboard-ja")

	must(webtest.ClickAndWait(ctx, "logout"))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(err)
	if !strings.HasSuffix(loc, "/login") {
		t.Errorf("after sign-out at %s", loc)
	}
	if got := text(".flash"); got != "サインアウトしました。" {
		t.Errorf("sign-out message %q", got)
	}
	webtest.Screenshot(t, ctx, "signed-out-ja")
}
