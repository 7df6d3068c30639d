package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestBrowserCancelAndReissueInJapanese walks the partner's day in
// Japanese: a cancellation reads as an offset (相殺) on the page and in
// the balance history, a cancelled order offers no PDF and a forced PDF is
// stamped 無効; a reissue shows the full old code with the manual's
// warning, and the new code's row names the code it replaced.
func TestBrowserCancelAndReissueInJapanese(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	cancelled := placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	reissued := placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	ctx := webtest.Browser(t)
	b := browser{t: t, ctx: ctx, base: env.URL}
	b.signIn("acme-admin", demo.Password)
	b.click("lang-ja")

	b.open(cancelled)
	b.click("cancel-order")
	b.expectText("#cancel-form", "相殺")
	b.click("confirm-cancel")
	b.expectText(".flash", "相殺")
	if n := b.count("#order-pdf, a.code-pdf"); n != 0 {
		t.Errorf("a cancelled order offers %d PDF links", n)
	}
	raw, _ := b.fetch(cancelled + "/vouchers.pdf")
	if text := pdfText(t, raw); !strings.Contains(text, "無効") {
		t.Errorf("a forced PDF of the cancelled order is not stamped:\n%s", text)
	}
	b.open("/finance/balance")
	b.expectText("#ledger", "キャンセル(相殺)")
	webtest.Screenshot(t, ctx, "balance-ja")

	b.open(reissued)
	b.click("show-codes")
	old, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#codes td.code code")))
	b.must(err)
	b.must(webtest.ClickAndWaitCSS(ctx, "#codes a.reissue"))
	b.expectText("#old-code", strings.TrimSpace(old))
	b.expectText("#reissue-warning", "控え")
	webtest.Screenshot(t, ctx, "reissue-ja")
	b.click("confirm-reissue")
	b.open(reissued + "?codes=all")
	b.expectText("#codes .reissued-from", strings.TrimSpace(old))
}

// count is how many elements match sel on the current page.
func (b browser) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+sel+"`"+`).length`))
	b.must(err)
	return n
}

// fetch gets path with the browser's session, as a forced request would.
func (b browser) fetch(path string) ([]byte, string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const a = document.createElement("a"); a.id = "forced"; a.href = "`+path+`"; document.body.appendChild(a); return true })()`))
	b.must(err)
	return b.fetchLink("#forced")
}
