package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestBrowserQuote: acme-finance creates a two-line quote (adding the
// second line with "Add another product", the script showing the total),
// previews it, and sends it to an address: the email with the quote's PDF
// lands in the outbox.
func TestBrowserQuote(t *testing.T) {
	env := webtest.Start(t)
	ctx := webtest.Browser(t)
	b := browser{t: t, ctx: ctx, base: env.URL}

	b.signIn("acme-finance", demo.Password)
	b.open("/finance/quotes")
	b.click("new-quote")
	b.fill(map[string]string{"f-memo": "202012_〇×株式会社向け見積り"})
	b.must(chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#lines select[name="line0_product"]`), "1:1")))
	b.fill(map[string]string{"line0_quantity": "1", "line0_fqdns": "5"})
	b.must(chromedp.Do(ctx, chromedp.Click(chromedp.ID("add-line"))))
	b.must(chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#lines select[name="line1_product"]`), "1:1")))
	b.fill(map[string]string{"line1_quantity": "2", "line1_fqdns": "4", "line1_wildcards": "1"})
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("quote-form").dispatchEvent(new Event("input"))`))
	b.must(err)
	b.expectText("#total", "¥22,935") // ¥4,975 + 2 × ¥8,980, the script's total
	webtest.Screenshot(t, ctx, "quote-form")
	b.click("quote-save")
	b.expectText(".flash", "saved")
	b.expectText("#qv-price", "¥22,935")
	b.expectText("#qv-memo", "〇×株式会社")
	b.expectText("#po-note", demo.Operator.SalesMailingList)
	webtest.Screenshot(t, ctx, "quote-quick-view")

	b.click("preview")
	b.expectText("#doc-number", "Q0000001")
	b.expectText("#doc-total", "¥25,228") // with ¥2,293 tax
	b.click("preview-ja")
	b.expectText("#doc-lines", "デジサート グローバル・サーバID")
	webtest.Screenshot(t, ctx, "quote-preview")

	b.open("/finance/quotes/1")
	b.fill(map[string]string{"f-to": "buyer@customer.example"})
	b.selectValue("f-lang", "ja")
	b.click("send-submit")
	b.expectText(".flash", "sent")
	msgs := env.Outbox(t)
	m := msgs[len(msgs)-1]
	if strings.Join(m.To, ",") != "buyer@customer.example" || len(m.Attachments) != 1 || m.Attachments[0].FileName != "見積書_Q0000001.pdf" {
		t.Fatalf("email to %v with %d attachments", m.To, len(m.Attachments))
	}
	if text := pdfText(t, m.Attachments[0].Content); !strings.Contains(text, "¥25,228") || strings.Contains(text, "〇×株式会社") {
		t.Errorf("the attached quote reads:\n%s", text)
	}

	// Order these vouchers: one order with the quote's total, the quote Ordered.
	b.open("/finance/quotes/1")
	b.click("order-quote")
	b.expectText("#order-total", "¥22,935")
	b.fill(map[string]string{"f-customer": "〇×株式会社"})
	webtest.Screenshot(t, ctx, "quote-order")
	b.click("quote-order-submit")
	b.expectText("#order-facts", "¥22,935")
	b.open("/finance/quotes/1")
	b.expectText("#qv-status", "Ordered")
	b.expectText("#quote-order-link", "1")
}
