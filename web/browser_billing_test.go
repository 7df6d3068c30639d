package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestBrowserInvoicesAndPayments: after a month is closed, acme-finance
// opens Orders and invoices, previews and downloads the invoice (the stored
// bytes, whose hash the response names); op-finance finds it by amount
// range and counterparty and records its payment; Acme then sees it paid.
func TestBrowserInvoicesAndPayments(t *testing.T) {
	env := closedMonth(t)
	ctx := webtest.Browser(t)
	b := browser{t: t, ctx: ctx, base: env.URL}

	b.signIn("acme-finance", demo.Password)
	b.open("/finance/invoices")
	b.expectText(`#invoices tr[data-number="INV0000001"]`, "¥2,189")
	b.expectText(`#invoices tr[data-number="INV0000001"]`, "Unpaid")
	webtest.Screenshot(t, ctx, "invoices-partner")
	for _, sel := range []string{`a.preview`, `a.download`} {
		raw, sha := b.fetchLink(`#invoices tr[data-number="INV0000001"] ` + sel)
		sum := sha256.Sum256(raw)
		if !strings.HasPrefix(string(raw), "%PDF-") || sha != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: %d bytes, X-Content-SHA256 %q", sel, len(raw), sha)
		}
		if text := pdfText(t, raw); !strings.Contains(text, "INV0000001") || !strings.Contains(text, "¥2,189") {
			t.Errorf("%s: the invoice reads:\n%s", sel, text)
		}
	}
	b.click("logout")

	b.signIn("op-finance", demo.Password)
	b.open("/operator/finance/invoices")
	b.fill(map[string]string{"f-min": "2,000", "f-max": "2500", "f-who": "Acme"})
	b.click("invoice-search-submit")
	b.expectText("#console-invoices", "INV0000001")
	webtest.Screenshot(t, ctx, "invoices-console")
	b.must(webtest.ClickAndWaitCSS(ctx, `#console-invoices a[href$="/INV0000001"]`))
	b.expectText("#invoice-due", "¥2,189")
	b.fill(map[string]string{"f-amount": "2189", "f-paid_on": env.App.Clock.Now().In(clock.Tokyo).Format("2006-01-02"),
		"f-reference": "振込 0001"})
	b.click("payment-submit")
	b.expectText("#invoice-due", "¥0")
	b.expectText("#payments", "振込 0001")
	b.click("logout")

	b.signIn("acme-finance", demo.Password)
	b.open("/finance/invoices")
	b.expectText(`#invoices tr[data-number="INV0000001"]`, "Paid")
}

// fetchLink fetches the href of the link sel with the browser's session and
// returns the body and its X-Content-SHA256 header.
func (b browser) fetchLink(sel string) (body []byte, sha string) {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`
		fetch(document.querySelector(`+"`"+sel+"`"+`).href).then(r => r.arrayBuffer().then(b => {
			let s = ""; new Uint8Array(b).forEach(c => s += String.fromCharCode(c));
			return [btoa(s), r.headers.get("X-Content-SHA256") || ""]; }))`,
		func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }))
	b.must(err)
	raw, err := base64.StdEncoding.DecodeString(res[0])
	b.must(err)
	return raw, res[1]
}
