package web_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestBrowserCertificateFromVoucherLinkToUsedCode: an end user opens a
// voucher's link signed out, signs up, verifies the address from the
// email, signs in and comes back to the link with the code applied, pastes
// a CSR and submits; op-validation approves in a browser of its own; the
// end user downloads the chain; acme-admin sees the code Used with the
// certificate's common name.
func TestBrowserCertificateFromVoucherLinkToUsedCode(t *testing.T) {
	env := webtest.Start(t)
	codes, product := voucherCodes(t, env, "1") // OV, 2 FQDNs and 1 wildcard
	link := redeemPath(product, codes[0])
	const email, cn = "hanako@example.jp", "shop.example.jp"
	ctx := webtest.Browser(t)
	b := browser{t: t, ctx: ctx, base: env.URL}
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		b.must(err)
		return loc
	}
	status := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#order-status [data-status]").dataset.status`))
		b.must(err)
		return s
	}

	// Signed out, the link asks to sign in; the sign-up link keeps the page.
	b.open(link)
	if loc := location(); loc != env.URL+"/secure/login?next="+url.QueryEscape(link) {
		t.Fatalf("the link signed out led to %s", loc)
	}
	b.click("signup-link")
	b.fill(map[string]string{"f-name": "Hanako Yamada", "f-email": email, "f-password": subscriberPassword, "f-confirm": subscriberPassword})
	b.selectValue("f-language", "en")
	b.must(webtest.ClickAndWaitCSS(ctx, `#subscriber-signup button[type="submit"]`))
	b.expectText("#signup-sent", "")

	// The emailed link verifies the address and leads back to sign-in.
	var verify string
	for _, m := range env.Outbox(t) {
		if len(m.To) == 1 && m.To[0] == email {
			verify = verifyLink.FindString(m.BodyText)
		}
	}
	if verify == "" {
		t.Fatalf("no verification link emailed to %s", email)
	}
	b.open(verify)
	b.must(webtest.ClickAndWaitCSS(ctx, `#subscriber-verify button[type="submit"]`))
	b.expectText(".flash", "verified")
	b.fill(map[string]string{"f-email": email, "f-password": subscriberPassword})
	b.must(webtest.ClickAndWaitCSS(ctx, `#subscriber-login button[type="submit"]`))
	if loc := location(); loc != env.URL+link {
		t.Fatalf("after sign-in at %s, want the voucher's link", loc)
	}
	b.expectText("#redeem-applied", codes[0])

	// The CSR pasted, the organization typed (an OV product); the CSR's names.
	b.fill(map[string]string{"f-csr": newCSR(t, cn, cn, "www."+cn), "f-org_name": "Example KK", "f-org_locality": "Chiyoda-ku"})
	webtest.Screenshot(t, ctx, "certificate-request")
	b.click("request-submit")
	m := orderLocation.FindStringSubmatch(strings.TrimPrefix(location(), env.URL))
	if m == nil {
		errs, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".error, .form-error")].map(e => e.textContent.trim()).join(" | ")`))
		t.Fatalf("after submitting at %s: %s", location(), errs)
	}
	orderID := m[1]
	b.expectText(".flash", "submitted")
	if s := status(); s != "pending" {
		t.Errorf("the new order's status is %q, want pending", s)
	}
	b.expectText("#order-cn", cn)

	// op-validation, in a browser context of its own, approves.
	opCtx, cancelOp := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancelOp()
	op := browser{t: t, ctx: opCtx, base: env.URL}
	op.signIn("op-validation", demo.Password)
	op.open("/operator/validation")
	op.expectText(`tr[data-order="`+orderID+`"]`, cn)
	op.open("/operator/validation/" + orderID)
	op.click("approve")
	op.expectText(".flash", "issued")

	// The end user reloads the order and downloads the chain.
	b.open("/secure/orders/" + orderID)
	if s := status(); s != "issued" {
		t.Errorf("after approval the order is %q, want issued", s)
	}
	webtest.Screenshot(t, ctx, "certificate-issued")
	if b.count("#download-pem") != 1 || b.count("#download-der") != 1 {
		t.Fatal("the issued order has no download links")
	}
	chain, _ := b.fetchLink("#download-pem")
	if n := strings.Count(string(chain), "-----BEGIN CERTIFICATE-----"); n != 2 {
		t.Fatalf("the chain holds %d certificates, want the leaf and the intermediate: %.200s", n, chain)
	}
	if blk, _ := pem.Decode(chain); blk == nil {
		t.Error("the chain does not start with a PEM block")
	} else if leaf, err := x509.ParseCertificate(blk.Bytes); err != nil || leaf.Subject.CommonName != cn {
		t.Errorf("the leaf: %v, %v", leaf, err)
	}

	// acme-admin sees the order with its common name, and the code Used.
	acmeCtx, cancelAcme := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancelAcme()
	acme := browser{t: t, ctx: acmeCtx, base: env.URL}
	acme.signIn("acme-admin", demo.Password)
	acme.open("/certificates")
	acme.expectText(`tr[data-order="`+orderID+`"]`, cn)
	var voucherOrder, codeID int64
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT order_id, id FROM voucher_codes WHERE code = $1`, codes[0]).Scan(&voucherOrder, &codeID); err != nil {
		t.Fatal(err)
	}
	acme.open(fmt.Sprintf("/finance/vouchers/%d", voucherOrder))
	row := fmt.Sprintf("#code-%d", codeID)
	acme.expectText(row+" .code-status", "Used")
	webtest.Screenshot(t, acmeCtx, "voucher-code-used")
	got, err := chromedp.Run(acmeCtx, chromedp.Text(chromedp.CSS(row)))
	b.must(err)
	if !strings.Contains(got, cn) {
		t.Errorf("the voucher order's row of the code lacks the common name %s: %q", cn, got)
	}
}
