package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/web/webtest"
)

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestVoucherPDFHasTheCodeLinksAndJapaneseProductName(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	c.PostForm("/language", url.Values{"lang": {"ja"}})
	order := placeOrder(t, c, [4]string{"3:1", "2", "1", "1"}) // デジサート グローバル・サーバID ワイルドカード
	page := c.Get(order + "?codes=show")
	codes := page.Doc.Find("#codes td.code")
	if codes.Length() != 2 {
		t.Fatalf("%d codes", codes.Length())
	}
	res := c.Get(order + "/vouchers.pdf")
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("PDF: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	text := pdfText(t, []byte(res.Body))
	if pages := strings.Count(text, "\f"); pages != 2 {
		t.Errorf("%d pages, want one a code", pages)
	}
	codes.Each(func(_ int, s *goquery.Selection) {
		code := strings.TrimSpace(s.Text())
		for _, want := range []string{code,
			env.URL + "/secure/requests/ssl_certificate/ssl_global_server_id_wildcard?vc=" + code,
			env.URL + "/secure/orders/expiring/?product=ssl_global_server_id_wildcard&vc=" + code} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q", want)
			}
		}
	})
	for _, want := range []string{"証明書バウチャー", "デジサート グローバル・サーバID ワイルドカード", "デジサート・ジャパン合同会社", "バウチャー有効期限", "ご利用方法"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q:\n%s", want, text)
		}
	}
	// One code's PDF; another partner gets 404 for both.
	codeID := page.Doc.Find("#codes tbody tr").First().AttrOr("data-code-id", "")
	if res := c.Get("/finance/codes/" + codeID + "/voucher.pdf"); res.Status != http.StatusOK || strings.Count(pdfText(t, []byte(res.Body)), "\f") != 1 {
		t.Errorf("code PDF: %d", res.Status)
	}
	env.AssertOtherPartnerGets404(t, "acme-admin", order+"/vouchers.pdf")
	env.AssertOtherPartnerGets404(t, "acme-admin", "/finance/codes/"+codeID+"/voucher.pdf")
}
