package voucher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/jackc/pgx/v5"

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

// pdfBatch is how many codes an order's PDF reads at a time.
const pdfBatch = 200

// flushPages is how many pages a voucher PDF draws before it compresses
// them into the document (pdf.Document.Flush): fpdf keeps what it draws
// uncompressed, and builds the whole uncompressed document again to write
// it: for 1,000 vouchers the heap grew by ten times the PDF's size. Fewer
// pages a flush keep less memory and cost a little more time.
const flushPages = 50

// OrderPDF writes every current code of order id of partnerID, one a page.
// It reads the codes a batch at a time as it writes their pages, and the
// pages are compressed into the document as they are drawn (see page), so
// that only the document itself grows with the codes; the document is
// complete before its first byte is written to w.
func (s *Service) OrderPDF(ctx context.Context, w io.Writer, partnerID, orderID int64, lang string) error {
	op, err := s.operator(ctx)
	if err != nil {
		return err
	}
	doc := newVoucherDoc(op, s.I18n.Localizer(lang), s.BaseURL)
	var after int64
	for {
		codes, err := s.codesAfter(ctx, partnerID, orderID, after, pdfBatch)
		if err != nil {
			return err
		}
		for _, c := range codes {
			if err := doc.page(c); err != nil {
				return err
			}
		}
		if len(codes) < pdfBatch {
			break
		}
		after = codes[len(codes)-1].ID
	}
	if doc.pages == 0 {
		return ErrOrderNotFound
	}
	return doc.write(w)
}

// codesAfter returns up to limit current codes of an order after the code
// id after, in id order.
func (s *Service) codesAfter(ctx context.Context, partnerID, orderID, after int64, limit int) ([]Code, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+codeColumns+codeFrom+`
		WHERE c.partner_id = $1 AND c.order_id = $2 AND c.status <> 'reissued' AND c.id > $3
		ORDER BY c.id LIMIT `+strconv.Itoa(limit), partnerID, orderID, after)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCode)
}

// CodePDF writes the voucher of code id of partnerID.
func (s *Service) CodePDF(ctx context.Context, w io.Writer, partnerID, codeID int64, lang string) error {
	c, err := s.CodeByID(ctx, partnerID, codeID)
	if err != nil {
		return err
	}
	op, err := s.operator(ctx)
	if err != nil {
		return err
	}
	return WritePDF(w, []Code{c}, op, s.I18n.Localizer(lang), s.BaseURL)
}

func (s *Service) operator(ctx context.Context) (issuer.Identity, error) {
	op, err := s.Issuer.Get(ctx)
	if err != nil && !errors.Is(err, issuer.ErrNotSet) {
		return op, err
	}
	return op, nil
}

// WritePDF renders codes as vouchers in l's language, one a page.
func WritePDF(w io.Writer, codes []Code, op issuer.Identity, l *i18n.Localizer, base string) error {
	doc := newVoucherDoc(op, l, base)
	for _, c := range codes {
		if err := doc.page(c); err != nil {
			return err
		}
	}
	return doc.write(w)
}

const (
	margin = 20.0
	left   = margin
	width  = pdf.PageWidth - 2*margin // the content's, as the Document's
	labelW = 48.0
)

// voucherDoc is a voucher PDF being written. What every page repeats (the
// labels, the wrapped how-to and terms, the operator, the QR code plans and
// buffers) is prepared once, not once a page.
type voucherDoc struct {
	doc          *pdf.Document
	l            *i18n.Localizer
	base         string
	pages        int
	date         time.Time         // the newest code's creation: the file's date
	text         map[string]string // translated labels by message id
	howTo, terms []string
	operator     pdf.Issuer
	qr           pdf.QR
}

func newVoucherDoc(op issuer.Identity, l *i18n.Localizer, base string) *voucherDoc {
	v := &voucherDoc{l: l, base: base, text: map[string]string{}}
	for _, id := range []string{"pdf.voucher.title", "pdf.voucher.redeem_link", "pdf.voucher.renew_link", "pdf.voucher.code",
		"pdf.voucher.product", "pdf.voucher.validity", "voucher.expires", "pdf.voucher.wildcards", "voucher.shipping",
		"voucher.ship_token", "pdf.voucher.how_to", "pdf.voucher.terms", "pdf.void_stamp"} {
		v.text[id] = l.T(id)
	}
	v.doc = pdf.NewDocument(pdf.Options{Title: v.text["pdf.voucher.title"], Margin: margin})
	v.howTo = v.doc.Wrap(l.T("pdf.voucher.how_to_text"))
	v.terms = v.doc.Wrap(l.T("pdf.voucher.terms_text"))
	name, addr := op.NameEN, op.AddressEN
	if l.Lang() == "ja" {
		name, addr = op.NameJA, op.AddressJA
	}
	v.operator = pdf.Issuer{Name: name, Address: []string{"〒" + op.PostalCode + " " + addr}, Contact: SupportContact(op, l)}
	return v
}

// SupportContact is the contact block a voucher gives its end user, as the
// manual's voucher prints it: the support phone numbers on one line, the
// contact page, and the support hours in l's language when set. The
// partner-facing fax and sales mailing list are not for end users; until the
// operator has entered support numbers, the company's phone stands in.
func SupportContact(op issuer.Identity, l *i18n.Localizer) []string {
	phones := op.SupportPhones
	if len(phones) == 0 && op.Phone != "" {
		phones = []string{op.Phone}
	}
	var out []string
	if len(phones) > 0 {
		out = append(out, l.T("pdf.voucher.support_phones", map[string]any{"Phones": strings.Join(phones, " / ")}))
	}
	if op.SupportURL != "" {
		out = append(out, l.T("pdf.voucher.support_url", map[string]any{"URL": op.SupportURL}))
	}
	hours := op.SupportHoursEN
	if l.Lang() == "ja" {
		hours = op.SupportHoursJA
	}
	if hours != "" {
		out = append(out, l.T("pdf.voucher.support_hours", map[string]any{"Hours": hours}))
	}
	return out
}

func (v *voucherDoc) write(w io.Writer) error {
	v.doc.SetDate(v.date)
	return v.doc.Write(w)
}

// voidReasons are the message ids that mark a code that may not be used
// (one cancelled with its order, one replaced by a reissue) by its status.
var voidReasons = map[string]string{
	CodeCancelled: "pdf.voucher.void_cancelled",
	CodeReissued:  "pdf.voucher.void_reissued",
}

// page writes the voucher of c on a new page; a void code's page is marked
// as such on its code line and stamped across. Every flushPages pages, the
// pages drawn so far are flushed first.
func (v *voucherDoc) page(c Code) error {
	if v.pages > 0 && v.pages%flushPages == 0 {
		v.doc.Flush()
	}
	doc, d, t := v.doc, v.doc.Fpdf(), v.text
	v.pages++
	if c.CreatedAt.After(v.date) {
		v.date = c.CreatedAt
	}
	doc.AddPage()
	d.SetTextColor(0, 0, 0)
	doc.SetFontSize(20)
	doc.TextAt(left, 30, t["pdf.voucher.title"])
	redeem := RedemptionLink(v.base, c)
	if err := v.qrCode(redeem, "qr"+strconv.FormatInt(c.ID, 10), 150, 14, 40); err != nil {
		return err
	}
	y := 62.0
	y = link(doc, y, t["pdf.voucher.redeem_link"], redeem)
	y = link(doc, y, t["pdf.voucher.renew_link"], RenewalLink(v.base, c))
	codeY := y + 2
	y = field(doc, codeY, t["pdf.voucher.code"], c.Code, 15)
	void := voidReasons[c.Status]
	if void != "" {
		y = voidMark(doc, codeY, y, c.Code, v.l.T(void))
	}
	rows := [][2]string{
		{t["pdf.voucher.product"], c.Product.Name(v.l.Lang())},
		{t["pdf.voucher.validity"], v.l.T("voucher.years_n", map[string]any{"Years": c.Years})},
		{t["voucher.expires"], v.l.Date(c.ExpiresOn)},
		{"FQDN", strconv.Itoa(c.FQDNs)},
		{t["pdf.voucher.wildcards"], strconv.Itoa(c.Wildcards)},
	}
	if c.ShipToken {
		rows = append(rows, [2]string{t["voucher.shipping"], t["voucher.ship_token"]})
	}
	for _, r := range rows {
		y = field(doc, y, r[0], r[1], 11)
	}
	doc.SetY(y - 2) // y is the next baseline; the cursor is the top of a line
	doc.Heading(t["pdf.voucher.how_to"])
	doc.Lines(v.howTo)
	doc.Heading(t["pdf.voucher.terms"])
	doc.Lines(v.terms)
	doc.Space(5.5)
	doc.Rule()
	doc.Issuer(v.operator)
	if void != "" {
		doc.Stamp(t["pdf.void_stamp"])
	}
	return nil
}

// qrCode draws text as a QR code (level M).
func (v *voucherDoc) qrCode(text, name string, x, y, size float64) error {
	d := v.doc.Fpdf()
	png, err := v.qr.PNG(text)
	if err != nil {
		return err
	}
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	d.RegisterImageOptionsReader(name, opts, bytes.NewReader(png))
	d.ImageOptions(name, x, y, size, size, false, opts, 0, "")
	return d.Error()
}

// field writes a label and its value on one line and returns the next y.
func field(doc *pdf.Document, y float64, label, value string, size float64) float64 {
	d := doc.Fpdf()
	doc.SetFontSize(9)
	d.SetTextColor(90, 90, 90)
	doc.TextAt(left, y, label)
	d.SetTextColor(0, 0, 0)
	doc.SetFontSize(doc.Fit(value, width-labelW, size, 6))
	doc.TextAt(left+labelW, y, value)
	return y + size*0.55 + 3
}

// voidMark strikes out code, written by field on baseline, and writes why
// it is void in red at next, the next baseline; it returns the one after.
func voidMark(doc *pdf.Document, baseline, next float64, code, why string) float64 {
	d := doc.Fpdf()
	_, em := d.GetFontSize() // the code's, as field left it
	strike := baseline - 0.3*em
	d.SetDrawColor(200, 0, 0)
	d.SetLineWidth(0.5)
	d.Line(left+labelW, strike, left+labelW+doc.StringWidth(code), strike)
	d.SetTextColor(200, 0, 0)
	doc.SetFontSize(doc.Fit(why, width-labelW, 10, 6))
	doc.TextAt(left+labelW, next, why)
	d.SetTextColor(0, 0, 0)
	return next + 7
}

// link writes a label and, below it, the whole URL on one line as a link.
func link(doc *pdf.Document, y float64, label, u string) float64 {
	d := doc.Fpdf()
	doc.SetFontSize(9)
	d.SetTextColor(90, 90, 90)
	doc.TextAt(left, y, label)
	size := doc.Fit(u, width, 10, 5)
	d.SetTextColor(11, 92, 171)
	doc.TextAt(left, y+5, u)
	d.LinkString(left, y+5-size*0.35, doc.StringWidth(u), size*0.4, u)
	d.SetTextColor(0, 0, 0)
	return y + 12
}
