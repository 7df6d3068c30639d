package web_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestBrowserDeliveryOnBehalf: op-delivery enters Acme's portal, orders 2
// vouchers, leaves; acme-admin sees the order, the audit entry naming
// op-delivery, and downloads the PDF.
func TestBrowserDeliveryOnBehalf(t *testing.T) {
	env := webtest.Start(t)
	ctx := webtest.Browser(t)
	b := browser{t: t, ctx: ctx, base: env.URL}

	b.signIn("op-delivery", demo.Password)
	b.open("/operator/delivery")
	b.click("enter-1")
	b.expectText("#delivery-banner", "Acme Corporation")
	b.click("new-order")
	b.orderProduct(0, "1", "1") // the product, then its years (the form posts "1:1")
	b.fill(map[string]string{"line0_quantity": "2", "line0_fqdns": "1"})
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("voucher-form").dispatchEvent(new Event("input"))`))
	b.must(err)
	b.expectText("#total", "¥1,990") // the script's total
	webtest.Screenshot(t, ctx, "delivery-order-form")
	b.click("order-submit")
	b.expectText("#ordered-by", "op-delivery")
	b.expectText("#order-facts", "¥1,990")
	webtest.Screenshot(t, ctx, "delivery-order")
	b.click("leave-partner")
	b.expectText("#delivery", "Acme Corporation") // back in the console's delivery list
	b.click("logout")

	b.signIn("acme-admin", demo.Password)
	b.open("/finance/vouchers")
	b.expectText("#orders", "1")
	b.open("/finance/vouchers/1")
	b.expectText("#ordered-by", "op-delivery")
	b.open("/account/audit?user=op-delivery")
	b.expectText("#audit", "Voucher order created")
	webtest.Screenshot(t, ctx, "audit-delivery")

	// Download the PDF the way the page links it, with the browser's session.
	pdf, err := chromedp.Run(ctx, chromedp.Evaluate[string](`
		fetch(document.location.origin + "/finance/vouchers/1/vouchers.pdf").then(r => r.arrayBuffer()).then(b => {
			let s = ""; new Uint8Array(b).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`,
		func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }))
	b.must(err)
	raw, err := base64.StdEncoding.DecodeString(pdf)
	b.must(err)
	text := pdfText(t, raw)
	codes, _ := env.App.Vouchers.Codes(context.Background(), 1, 1)
	if len(codes) != 2 || !strings.Contains(text, codes[0].Code) || !strings.Contains(text, codes[1].Code) {
		t.Errorf("downloaded PDF lacks the codes:\n%s", text)
	}
}
