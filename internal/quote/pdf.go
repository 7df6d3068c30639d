package quote

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/pdf"
)

// Languages a quote can be printed in.
var Languages = []string{"ja", "en"}

// FileName is the quote's PDF file name in lang: 見積書_Q0000001.pdf.
func FileName(q Quote, l *i18n.Localizer) string {
	return l.T("quote.pdf.file") + "_" + q.Number + ".pdf"
}

// PDF writes quote id of partnerID as a PDF in lang (ja or en); another
// partner's or a deleted quote is ErrNotFound. It returns the quote.
func (s *Service) PDF(ctx context.Context, w io.Writer, partnerID, id int64, lang string) (Quote, error) {
	q, err := s.Get(ctx, partnerID, id)
	if err != nil {
		return q, err
	}
	b, _, err := s.render(ctx, q, lang)
	if err != nil {
		return q, err
	}
	_, err = w.Write(b)
	return q, err
}

// Print is what a printed quote shows besides the quote itself: the
// operator, the addressee, and the stamp of an expired quote.
type Print struct {
	Issuer issuer.Identity
	To     pdf.Addressee
	Stamp  string // across every page ("有効期限切れ / EXPIRED"); empty: none
}

// Printed gathers what q is printed with in l's language at the service's
// time: the operator's details (ErrIssuerNotSet without them) and the
// addressee from the billing contact.
func (s *Service) Printed(ctx context.Context, q Quote, l *i18n.Localizer) (Print, error) {
	id, err := s.Issuer.Get(ctx)
	if errors.Is(err, issuer.ErrNotSet) {
		return Print{}, ErrIssuerNotSet
	}
	if err != nil {
		return Print{}, err
	}
	contact, found, err := s.Accounts.BillingContact(ctx, q.PartnerID)
	if err != nil {
		return Print{}, err
	}
	p := Print{Issuer: id, To: Addressee(l, q.GroupName, contact, found)}
	if q.StatusAt(s.Clock.Now()) == StatusExpired {
		p.Stamp = l.T("quote.pdf.expired_stamp")
	}
	return p, nil
}

// render prints q in lang and returns the PDF with what it was printed with.
func (s *Service) render(ctx context.Context, q Quote, lang string) ([]byte, Print, error) {
	l := s.I18n.Localizer(lang)
	p, err := s.Printed(ctx, q, l)
	if err != nil {
		return nil, p, err
	}
	var b bytes.Buffer
	if err := Write(&b, q, p, l); err != nil {
		return nil, p, err
	}
	return b.Bytes(), p, nil
}

// Addressee is who a quote is addressed to (compliance-jp.md, Addresses):
// the billing contact's address, the management group's name and the
// contact's name with 様; with no contact, the group's name with 御中. One
// honorific, after the last name; English names take none but "Attn:".
func Addressee(l *i18n.Localizer, group string, c account.BillingContact, found bool) pdf.Addressee {
	if !found || strings.TrimSpace(c.Name) == "" {
		return pdf.Addressee{Names: []string{l.T("quote.pdf.company", map[string]any{"Name": group})}}
	}
	to := pdf.Addressee{PostalCode: c.PostalCode, Address: c.Address.Lines()}
	if c.Organization != "" && c.Organization != group {
		to.Names = append(to.Names, c.Organization)
	}
	to.Names = append(to.Names, group, l.T("quote.pdf.person", map[string]any{"Name": c.Name}))
	return to
}

// IssuerBlock is the operator as a quote prints it, in l's language: name,
// address, phone and fax, the sales mailing list, the registration number.
func IssuerBlock(l *i18n.Localizer, id issuer.Identity) pdf.Issuer {
	var sales []string
	if id.SalesMailingList != "" {
		sales = append(sales, l.T("quote.pdf.sales", map[string]any{"Email": id.SalesMailingList}))
	}
	return id.Block(l.Lang(), l.T("quote.pdf.registration_number", map[string]any{"Number": id.RegistrationNumber}), sales...)
}

// Write writes q as an A4 quote in l's language: the number, date and
// expiry, the addressee and the operator with its registration number, the
// lines with their unit prices, the subtotal, the consumption tax (rounded
// once, as saved) and the total, and the remarks. The memo is never printed.
// The same quote gives the same bytes.
func Write(w io.Writer, q Quote, p Print, l *i18n.Localizer) error {
	title := l.T("quote.pdf.title")
	doc := pdf.NewDocument(pdf.Options{Title: title + " " + q.Number, Date: q.SavedAt, Footer: title + " " + q.Number,
		PageNumbers: true, Stamp: p.Stamp})
	doc.Header(pdf.Header{Title: title, To: p.To, From: IssuerBlock(l, p.Issuer), Fields: []pdf.Field{
		{Label: l.T("quote.pdf.number"), Value: q.Number},
		{Label: l.T("quote.pdf.date"), Value: l.Date(q.SavedOn)},
		{Label: l.T("quote.pdf.valid_until"), Value: l.Date(q.ExpiresOn)},
		{Label: l.T("quote.pdf.total"), Value: l.Yen(q.Total), Strong: true},
	}})
	doc.Text(l.T("quote.pdf.greeting"))
	doc.Space(3)
	lineTable(doc, q, l)
	doc.Totals(
		pdf.Total{Label: l.T("quote.pdf.subtotal"), Value: l.Yen(q.Subtotal)},
		pdf.Total{Label: l.T("quote.pdf.tax", map[string]any{"Rate": q.TaxRate}), Value: l.Yen(q.Tax)},
		pdf.Total{Label: l.T("quote.pdf.total"), Value: l.Yen(q.Total), Strong: true})
	doc.Heading(l.T("quote.pdf.remarks"))
	doc.Text(l.T("quote.pdf.remarks_text", map[string]any{"Until": l.Date(q.ExpiresOn), "Rate": q.TaxRate}))
	return doc.Write(w)
}

// lineTable draws the quote's lines, each product with its names (FQDNs,
// wildcards) under it; an account credit quote has one line.
func lineTable(doc *pdf.Document, q Quote, l *i18n.Localizer) {
	t := doc.Table(pdf.TableStyle{Rules: true},
		pdf.Column{Label: l.T("quote.pdf.product")},
		pdf.Column{Label: l.T("quote.pdf.years"), Width: 18, Align: pdf.AlignRight},
		pdf.Column{Label: l.T("quote.pdf.quantity"), Width: 14, Align: pdf.AlignRight},
		pdf.Column{Label: l.T("quote.pdf.unit_price"), Width: 28, Align: pdf.AlignRight},
		pdf.Column{Label: l.T("quote.pdf.amount"), Width: 30, Align: pdf.AlignRight})
	if q.Kind == KindCredit {
		t.Row(l.T("quote.pdf.credit"), "", "1", l.Yen(q.Subtotal), l.Yen(q.Subtotal))
		return
	}
	for _, ln := range q.Lines {
		t.Row(LineText(ln, l), l.T("quote.pdf.years_n", map[string]any{"Years": ln.Years}),
			strconv.Itoa(ln.Quantity), l.Yen(ln.UnitPrice), l.Yen(ln.Amount))
	}
}

// LineText is a product line as printed: the product's name, then the
// names it covers and the token shipped, if any.
func LineText(ln Line, l *i18n.Localizer) string {
	text := ln.Name(l.Lang())
	if ln.FQDNs+ln.Wildcards > 0 {
		text += "\n" + l.T("quote.pdf.names", map[string]any{"FQDNs": ln.FQDNs, "Wildcards": ln.Wildcards})
	}
	if ln.ShipToken {
		text += "\n" + l.T("quote.pdf.with_token")
	}
	return text
}
