package voucher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"rsc.io/qr"

	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/pdf"
)

// RedemptionLink is where an end user redeems code (V-4).
func RedemptionLink(base string, c Code) string {
	return fmt.Sprintf("%s/secure/requests/ssl_certificate/%s?vc=%s", base, url.PathEscape(c.Product.Code), url.QueryEscape(c.Code))
}

// RenewalLink is where an end user renews an expiring certificate with code.
func RenewalLink(base string, c Code) string {
	return fmt.Sprintf("%s/secure/orders/expiring/?product=%s&vc=%s", base, url.QueryEscape(c.Product.Code), url.QueryEscape(c.Code))
}

// OrderPDF writes every current code of order id of partnerID, one a page.
func (s *Service) OrderPDF(ctx context.Context, w io.Writer, partnerID, orderID int64, lang string) error {
	codes, err := s.Codes(ctx, partnerID, orderID)
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return ErrOrderNotFound
	}
	return s.writePDF(ctx, w, codes, lang)
}

// CodePDF writes the voucher of code id of partnerID.
func (s *Service) CodePDF(ctx context.Context, w io.Writer, partnerID, codeID int64, lang string) error {
	c, err := s.CodeByID(ctx, partnerID, codeID)
	if err != nil {
		return err
	}
	return s.writePDF(ctx, w, []Code{c}, lang)
}

func (s *Service) writePDF(ctx context.Context, w io.Writer, codes []Code, lang string) error {
	op, err := s.Issuer.Get(ctx)
	if err != nil && !errors.Is(err, issuer.ErrNotSet) {
		return err
	}
	return WritePDF(w, codes, op, s.I18n.Localizer(lang), s.BaseURL)
}

// WritePDF renders codes as vouchers in l's language, one a page.
func WritePDF(w io.Writer, codes []Code, op issuer.Identity, l *i18n.Localizer, base string) error {
	d := pdf.New(20)
	d.SetTitle(l.T("pdf.voucher.title"), true)
	for _, c := range codes {
		if err := voucherPage(d, c, op, l, base); err != nil {
			return err
		}
	}
	return d.Output(w)
}

const (
	left   = 20.0
	width  = 170.0
	labelW = 48.0
)

func voucherPage(d *fpdf.Fpdf, c Code, op issuer.Identity, l *i18n.Localizer, base string) error {
	d.AddPage()
	d.SetTextColor(0, 0, 0)
	d.SetFontSize(20)
	d.Text(left, 30, l.T("pdf.voucher.title"))
	redeem := RedemptionLink(base, c)
	if err := qrCode(d, redeem, fmt.Sprint("qr", c.ID), 150, 14, 40); err != nil {
		return err
	}
	y := 62.0
	y = link(d, y, l.T("pdf.voucher.redeem_link"), redeem)
	y = link(d, y, l.T("pdf.voucher.renew_link"), RenewalLink(base, c))
	y = field(d, y+2, l.T("voucher.code"), c.Code, 15)
	rows := [][2]string{
		{l.T("voucher.product"), c.Product.Name(l.Lang())},
		{l.T("pdf.voucher.validity"), l.T("voucher.years_n", map[string]any{"Years": c.Years})},
		{l.T("voucher.expires"), l.Date(c.ExpiresOn)},
		{"FQDN", fmt.Sprint(c.FQDNs)},
		{l.T("pdf.voucher.wildcards"), fmt.Sprint(c.Wildcards)},
	}
	if c.ShipToken {
		rows = append(rows, [2]string{l.T("voucher.shipping"), l.T("voucher.ship_token")})
	}
	for _, r := range rows {
		y = field(d, y, r[0], r[1], 11)
	}
	y = section(d, y+4, l.T("pdf.voucher.how_to"), l.T("pdf.voucher.how_to_text"))
	y = section(d, y+2, l.T("pdf.voucher.terms"), l.T("pdf.voucher.terms_text"))
	operator(d, y+6, op, l)
	return nil
}

func qrCode(d *fpdf.Fpdf, text, name string, x, y, size float64) error {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return err
	}
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	d.RegisterImageOptionsReader(name, opts, bytes.NewReader(code.PNG()))
	d.ImageOptions(name, x, y, size, size, false, opts, 0, "")
	return d.Error()
}

// field writes a label and its value on one line and returns the next y.
func field(d *fpdf.Fpdf, y float64, label, value string, size float64) float64 {
	d.SetFontSize(9)
	d.SetTextColor(90, 90, 90)
	d.Text(left, y, label)
	d.SetTextColor(0, 0, 0)
	d.SetFontSize(pdf.Fit(d, value, width-labelW, size, 6))
	d.Text(left+labelW, y, value)
	return y + size*0.55 + 3
}

// link writes a label and, below it, the whole URL on one line as a link.
func link(d *fpdf.Fpdf, y float64, label, u string) float64 {
	d.SetFontSize(9)
	d.SetTextColor(90, 90, 90)
	d.Text(left, y, label)
	size := pdf.Fit(d, u, width, 10, 5)
	d.SetTextColor(11, 92, 171)
	d.Text(left, y+5, u)
	d.LinkString(left, y+5-size*0.35, d.GetStringWidth(u), size*0.4, u)
	d.SetTextColor(0, 0, 0)
	return y + 12
}

func section(d *fpdf.Fpdf, y float64, title, text string) float64 {
	d.SetFontSize(11)
	d.Text(left, y, title)
	d.SetFontSize(9)
	return pdf.Paragraph(d, left, y+5.5, width, 4.6, text)
}

func operator(d *fpdf.Fpdf, y float64, op issuer.Identity, l *i18n.Localizer) {
	name, addr := op.NameEN, op.AddressEN
	if l.Lang() == "ja" {
		name, addr = op.NameJA, op.AddressJA
	}
	d.SetDrawColor(200, 200, 200)
	d.Line(left, y-4, left+width, y-4)
	d.SetFontSize(10)
	d.Text(left, y+1, name)
	d.SetFontSize(9)
	lines := []string{"〒" + op.PostalCode + " " + addr, l.T("pdf.voucher.phone_fax", map[string]any{"Phone": op.Phone, "Fax": op.Fax})}
	if op.SalesMailingList != "" {
		lines = append(lines, l.T("pdf.voucher.contact", map[string]any{"Email": op.SalesMailingList}))
	}
	pdf.Paragraph(d, left, y+6, width, 4.6, strings.Join(lines, "\n"))
}
