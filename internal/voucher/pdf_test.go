package voucher_test

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"rsc.io/qr"

	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/pdf"
	"github.com/ccp-partner/portal/internal/voucher"
)

// TestVoucherPDFReadsAsBefore: the voucher PDF, written with its repeated
// parts prepared once, the QR code drawn by pdf.QR and the pages
// compressed by pdf.Output, reads word for word (pdftotext -layout) like
// the straightforward version it replaced (below), in both languages.
func TestVoucherPDFReadsAsBefore(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is needed (apt-get install poppler-utils)")
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	expires := time.Date(2027, 11, 25, 0, 0, 0, 0, time.UTC)
	var codes []voucher.Code
	for i, p := range []catalog.Product{
		{Code: "ssl_global_server_id", NameJA: "デジサート グローバル・サーバID", NameEN: "DigiCert Global Server ID"},
		{Code: "ssl_global_server_id_wildcard", NameJA: "デジサート グローバル・サーバID ワイルドカード", NameEN: "DigiCert Global Server ID Wildcard"},
	} {
		for j := range 3 {
			codes = append(codes, voucher.Code{ID: int64(10*i + j + 1), Code: fmt.Sprintf("ABCDEFGHIJKLMNOPQRSTUVWXYZ2345%d%d", i, j),
				Product: p, Years: 1 + j, FQDNs: 5 * j, Wildcards: i, ShipToken: j == 2, ExpiresOn: expires})
		}
	}
	for _, lang := range []string{"ja", "en"} {
		l := b.Localizer(lang)
		var got, want bytes.Buffer
		if err := voucher.WritePDF(&got, codes, demo.Operator, l, "https://portal.example"); err != nil {
			t.Fatal(err)
		}
		if err := referencePDF(&want, codes, demo.Operator, l, "https://portal.example"); err != nil {
			t.Fatal(err)
		}
		g, w := pdftotext(t, got.Bytes()), pdftotext(t, want.Bytes())
		if g != w || strings.Count(g, "\f") != len(codes) || !strings.Contains(g, codes[5].Code) {
			t.Errorf("%s: the text differs from the reference's:\n%s\n---\n%s", lang, g, w)
		}
		if got.Len() >= want.Len() {
			t.Errorf("%s: %d bytes, the reference %d", lang, got.Len(), want.Len())
		}
	}
}

// TestManyVouchersReadAsBefore: an order of more vouchers than a flush
// takes (its pages compressed into the document every flushPages pages)
// reads page for page like the reference, every page with its QR code; a
// void code late in the order is stamped, and only it.
func TestManyVouchersReadAsBefore(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := catalog.Product{Code: "ssl_global_server_id", NameJA: "デジサート グローバル・サーバID", NameEN: "DigiCert Global Server ID"}
	var codes []voucher.Code
	for i := range 130 {
		codes = append(codes, voucher.Code{ID: int64(i + 1), Code: fmt.Sprintf("ABCDEFGHIJKLMNOPQRSTUVWXYZ%06d", i), Status: voucher.CodeActive,
			Product: p, Years: 1 + i%3, FQDNs: i % 5, ExpiresOn: time.Date(2027, 11, 25, 0, 0, 0, 0, time.UTC)})
	}
	l := b.Localizer("ja")
	var got, want bytes.Buffer
	if err := voucher.WritePDF(&got, codes, demo.Operator, l, "https://portal.example"); err != nil {
		t.Fatal(err)
	}
	if err := referencePDF(&want, codes, demo.Operator, l, "https://portal.example"); err != nil {
		t.Fatal(err)
	}
	g, w := pdfPages(t, got.Bytes()), pdfPages(t, want.Bytes())
	if len(g) != len(codes) || strings.Join(g, "\f") != strings.Join(w, "\f") {
		t.Fatalf("%d pages, the reference %d; the text differs", len(g), len(w))
	}
	if n := bytes.Count(got.Bytes(), []byte("/Subtype /Image")); n != len(codes) {
		t.Errorf("%d QR images, want %d", n, len(codes))
	}
	codes[120].Status = voucher.CodeCancelled
	var void bytes.Buffer
	if err := voucher.WritePDF(&void, codes, demo.Operator, l, "https://portal.example"); err != nil {
		t.Fatal(err)
	}
	for i, page := range pdfPages(t, void.Bytes()) {
		if stamped := strings.Contains(page, "無効 / VOID"); stamped != (i == 120) {
			t.Errorf("page %d: stamped %v", i+1, stamped)
		}
	}
}

// TestVoucherPDFGivesTheEndUserSupportContacts: a voucher goes to the end
// user, so it prints the operator's support numbers and contact page (and
// hours, when set, in the voucher's language) as the manual's voucher does,
// never the partner-facing fax or sales mailing list; its labels are the
// manual's (バウチャーコード, 製品タイプ, 有効期間).
func TestVoucherPDFGivesTheEndUserSupportContacts(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	codes := []voucher.Code{{ID: 1, Code: "26YNRKHK7T54LX7CT6ZPLQIVD5DR7EPU", Years: 1, FQDNs: 1, ExpiresOn: time.Date(2027, 11, 25, 0, 0, 0, 0, time.UTC),
		Product: catalog.Product{Code: "ssl_securesite_flex", NameJA: "セキュア・サーバー ID", NameEN: "Secure Server ID", TakesFQDNs: true}}}
	text := func(op issuer.Identity, lang string) string {
		var doc bytes.Buffer
		if err := voucher.WritePDF(&doc, codes, op, b.Localizer(lang), "https://portal.example"); err != nil {
			t.Fatal(err)
		}
		return pdftotext(t, doc.Bytes())
	}
	op := demo.Operator
	never := []string{op.SalesMailingList, op.Fax, "FAX", "Fax"}
	cases := []struct {
		lang        string
		op          issuer.Identity
		want, never []string
	}{
		{"ja", op, []string{"電話：0120-707-637 / 03-4578-1368", "お問い合わせ：https://www.digicert.com/jp/contact-us/",
			"バウチャーコード", "製品タイプ", "有効期間", "バウチャー有効期限"}, append(never, "受付時間", op.Phone)},
		{"en", op, []string{"Phone: 0120-707-637 / 03-4578-1368", "Contact: https://www.digicert.com/jp/contact-us/",
			"Voucher code", "Product type", "Validity"}, append(never, "Hours", op.Phone)},
		{"ja", withHours(op), []string{"電話：0120-707-637 / 03-4578-1368", "受付時間：平日 9:00〜17:30"}, append(never, "Weekdays")},
		{"en", withHours(op), []string{"Hours: Weekdays 9:00-17:30 JST"}, append(never, "平日")},
		// Support numbers not entered yet: the company's phone stands in.
		{"ja", withoutSupport(op), []string{"電話：" + op.Phone}, append(never, "お問い合わせ")},
	}
	for i, c := range cases {
		got := text(c.op, c.lang)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("case %d (%s): lacks %q:\n%s", i, c.lang, w, got)
			}
		}
		for _, n := range c.never {
			if strings.Contains(got, n) {
				t.Errorf("case %d (%s): prints %q:\n%s", i, c.lang, n, got)
			}
		}
	}
}

func withHours(op issuer.Identity) issuer.Identity {
	op.SupportHoursJA, op.SupportHoursEN = "平日 9:00〜17:30", "Weekdays 9:00-17:30 JST"
	return op
}

func withoutSupport(op issuer.Identity) issuer.Identity {
	op.SupportPhones, op.SupportURL = nil, ""
	return op
}

// TestCancelledOrderPDFIsVoid: once an order is cancelled, a forced
// request for its PDF, or for one of its codes', gives vouchers stamped
// 無効 / VOID on every page, each code line saying why; the live order's
// PDF has neither.
func TestCancelledOrderPDFIsVoid(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.svc.Issuer = &issuer.Store{DB: e.pool, Clock: e.clock}
	id, _, err := e.svc.Create(ctx, 1, order(gsid(3, 1, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	orderPages := func() []string {
		var b bytes.Buffer
		if err := e.svc.OrderPDF(ctx, &b, 1, id, "ja"); err != nil {
			t.Fatal(err)
		}
		return pdfPages(t, b.Bytes())
	}
	live := orderPages()
	if len(live) != 3 {
		t.Fatalf("%d pages", len(live))
	}
	for i, page := range live {
		if strings.Contains(page, "無効") || strings.Contains(page, "VOID") {
			t.Errorf("live voucher %d is marked void:\n%s", i+1, page)
		}
	}
	codes, err := e.svc.Codes(ctx, acme.Principal.PartnerID, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Cancel(ctx, 1, id, acme); err != nil {
		t.Fatal(err)
	}
	var one bytes.Buffer
	if err := e.svc.CodePDF(ctx, &one, acme.Principal.PartnerID, codes[1].ID, "en"); err != nil {
		t.Fatal(err)
	}
	onPages := []string{codes[0].Code, codes[1].Code, codes[2].Code, codes[1].Code} // the order's, then the one code's
	for i, page := range append(orderPages(), pdfPages(t, one.Bytes())...) {
		if !strings.Contains(page, "無効 / VOID") || !strings.Contains(page, onPages[i]) {
			t.Errorf("page %d is not stamped 無効 / VOID:\n%s", i+1, page)
		}
		if why := []string{"無効：このコードはオーダーのキャンセルにより使用できません。", "VOID: this code was cancelled"}[i/3]; !strings.Contains(page, why) {
			t.Errorf("page %d lacks %q:\n%s", i+1, why, page)
		}
	}
}

// TestOnlyVoidCodesAreStamped: in one PDF, a reissued-away or cancelled
// code's page is stamped and says why, an active or used code's is not.
func TestOnlyVoidCodesAreStamped(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := catalog.Product{Code: "ssl_global_server_id", NameJA: "デジサート グローバル・サーバID", NameEN: "DigiCert Global Server ID"}
	var codes []voucher.Code
	for i, status := range []string{voucher.CodeActive, voucher.CodeReissued, voucher.CodeUsed, voucher.CodeCancelled} {
		codes = append(codes, voucher.Code{ID: int64(i + 1), Code: fmt.Sprintf("CODE%d", i), Status: status, Product: p, Years: 1,
			ExpiresOn: time.Date(2027, 11, 25, 0, 0, 0, 0, time.UTC)})
	}
	var doc bytes.Buffer
	if err := voucher.WritePDF(&doc, codes, demo.Operator, b.Localizer("ja"), "https://portal.example"); err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, doc.Bytes())
	if len(pages) != len(codes) {
		t.Fatalf("%d pages", len(pages))
	}
	ja := b.Localizer("ja")
	for i, why := range []string{"", ja.T("pdf.voucher.void_reissued"), "", ja.T("pdf.voucher.void_cancelled")} {
		if stamped := strings.Contains(pages[i], "無効 / VOID"); stamped != (why != "") || why != "" && !strings.Contains(pages[i], why) {
			t.Errorf("%s code: stamped %v, want %q:\n%s", codes[i].Status, stamped, why, pages[i])
		}
	}
}

// pdfPages is the text of each page of doc (pdftotext -layout).
func pdfPages(t *testing.T, doc []byte) []string {
	t.Helper()
	return strings.Split(strings.TrimSuffix(pdftotext(t, doc), "\f"), "\f")
}

func pdftotext(t *testing.T, doc []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// The reference: the voucher PDF as first written.

const refLeft, refWidth, refLabelW = 20.0, 170.0, 48.0

func referencePDF(w *bytes.Buffer, codes []voucher.Code, op issuer.Identity, l *i18n.Localizer, base string) error {
	d := pdf.New(20)
	d.SetTitle(l.T("pdf.voucher.title"), true)
	for _, c := range codes {
		d.AddPage()
		d.SetTextColor(0, 0, 0)
		d.SetFontSize(20)
		d.Text(refLeft, 30, l.T("pdf.voucher.title"))
		redeem := voucher.RedemptionLink(base, c)
		code, err := qr.Encode(redeem, qr.M)
		if err != nil {
			return err
		}
		opts := fpdf.ImageOptions{ImageType: "PNG"}
		d.RegisterImageOptionsReader(fmt.Sprint("qr", c.ID), opts, bytes.NewReader(code.PNG()))
		d.ImageOptions(fmt.Sprint("qr", c.ID), 150, 14, 40, 40, false, opts, 0, "")
		y := refLink(d, 62, l.T("pdf.voucher.redeem_link"), redeem)
		y = refLink(d, y, l.T("pdf.voucher.renew_link"), voucher.RenewalLink(base, c))
		y = refField(d, y+2, l.T("pdf.voucher.code"), c.Code, 15)
		rows := [][2]string{
			{l.T("pdf.voucher.product"), c.Product.Name(l.Lang())},
			{l.T("pdf.voucher.validity"), l.T("voucher.years_n", map[string]any{"Years": c.Years})},
			{l.T("voucher.expires"), l.Date(c.ExpiresOn)},
			{"FQDN", fmt.Sprint(c.FQDNs)},
			{l.T("pdf.voucher.wildcards"), fmt.Sprint(c.Wildcards)},
		}
		if c.ShipToken {
			rows = append(rows, [2]string{l.T("voucher.shipping"), l.T("voucher.ship_token")})
		}
		for _, r := range rows {
			y = refField(d, y, r[0], r[1], 11)
		}
		y = refSection(d, y+4, l.T("pdf.voucher.how_to"), l.T("pdf.voucher.how_to_text"))
		y = refSection(d, y+2, l.T("pdf.voucher.terms"), l.T("pdf.voucher.terms_text"))
		refOperator(d, y+6, op, l)
	}
	return d.Output(w)
}

func refField(d *fpdf.Fpdf, y float64, label, value string, size float64) float64 {
	d.SetFontSize(9)
	d.SetTextColor(90, 90, 90)
	d.Text(refLeft, y, label)
	d.SetTextColor(0, 0, 0)
	d.SetFontSize(pdf.Fit(d, value, refWidth-refLabelW, size, 6))
	d.Text(refLeft+refLabelW, y, value)
	return y + size*0.55 + 3
}

func refLink(d *fpdf.Fpdf, y float64, label, u string) float64 {
	d.SetFontSize(9)
	d.SetTextColor(90, 90, 90)
	d.Text(refLeft, y, label)
	size := pdf.Fit(d, u, refWidth, 10, 5)
	d.SetTextColor(11, 92, 171)
	d.Text(refLeft, y+5, u)
	d.LinkString(refLeft, y+5-size*0.35, d.GetStringWidth(u), size*0.4, u)
	d.SetTextColor(0, 0, 0)
	return y + 12
}

func refSection(d *fpdf.Fpdf, y float64, title, text string) float64 {
	d.SetFontSize(11)
	d.Text(refLeft, y, title)
	d.SetFontSize(9)
	return pdf.Paragraph(d, refLeft, y+5.5, refWidth, 4.6, text)
}

func refOperator(d *fpdf.Fpdf, y float64, op issuer.Identity, l *i18n.Localizer) {
	name, addr := op.NameEN, op.AddressEN
	if l.Lang() == "ja" {
		name, addr = op.NameJA, op.AddressJA
	}
	d.SetDrawColor(200, 200, 200)
	d.Line(refLeft, y-4, refLeft+refWidth, y-4)
	d.SetFontSize(10)
	d.Text(refLeft, y+1, name)
	d.SetFontSize(9)
	lines := []string{"〒" + op.PostalCode + " " + addr,
		l.T("pdf.voucher.support_phones", map[string]any{"Phones": strings.Join(op.SupportPhones, " / ")}),
		l.T("pdf.voucher.support_url", map[string]any{"URL": op.SupportURL})}
	pdf.Paragraph(d, refLeft, y+6, refWidth, 4.6, strings.Join(lines, "\n"))
}
