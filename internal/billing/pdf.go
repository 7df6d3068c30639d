package billing

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/pdf"
	"github.com/ccp-partner/portal/internal/postgres"
)

// DocumentLanguage is the language of the documents that are issued and
// stored: the Japanese original (a translation may be shown for reading).
const DocumentLanguage = "ja"

// view is what every document of one partner's month prints.
type view struct {
	l         *i18n.Localizer
	issuer    issuer.Identity
	to        pdf.Addressee
	month     Month
	amounts   Amounts
	lines     []StatementLine
	statement string // the itemized statement's number
	stamp     string // across every page of a preview ("not an invoice")
}

// render draws the month's documents — the invoice or the credit note, and
// the itemized statement — at the same time: drawing is most of a close's
// work, and the two documents share nothing but the view they read.
func (s *Service) render(ctx context.Context, q postgres.Querier, c *closing) ([]*Document, error) {
	v, err := s.viewOf(ctx, q, c, DocumentLanguage)
	if err != nil {
		return nil, err
	}
	main := &Document{PartnerID: c.partner.id, CreatedAt: c.now, Kind: KindCreditNote}
	draw := func() ([]byte, error) { return v.creditNotePDF(*c.creditNote) }
	if c.invoice != nil {
		main.Kind, main.Number = KindInvoice, c.invoice.Number
		draw = func() ([]byte, error) { return v.invoicePDF(*c.invoice) }
	} else {
		main.Number = c.creditNote.Number
	}
	st := &Document{PartnerID: c.partner.id, Kind: KindStatement, Number: c.statementNumber, CreatedAt: c.now}
	drawn := make(chan error, 1)
	go func() {
		var err error
		st.Content, err = v.statementPDF(main.Number, c.issuedOn)
		drawn <- err
	}()
	main.Content, err = draw()
	if serr := <-drawn; err == nil {
		err = serr
	}
	if err != nil {
		return nil, err
	}
	return []*Document{main, st}, nil
}

func (s *Service) viewOf(ctx context.Context, q postgres.Querier, c *closing, lang string) (*view, error) {
	id, err := s.Issuer.With(q).Get(ctx)
	if errors.Is(err, issuer.ErrNotSet) {
		return nil, ErrIssuerNotReady
	}
	if err != nil {
		return nil, err
	}
	contact, found, err := s.Accounts.With(q).BillingContact(ctx, c.partner.id)
	if err != nil {
		return nil, err
	}
	addressee := c.partner.name
	if c.invoice != nil {
		addressee = c.invoice.Addressee
	} else if addressee, err = addresseeOf(ctx, q, c.partner.id); err != nil {
		return nil, err
	}
	lines, err := statementLines(ctx, q, c.partner.id, c.month, c.terms.TaxRate)
	if err != nil {
		return nil, err
	}
	l := s.I18n.Localizer(lang)
	return &view{l: l, issuer: id, to: addresseeBlock(l, addressee, contact, found), month: c.month,
		amounts: c.Amounts, lines: lines, statement: c.statementNumber}, nil
}

// addresseeBlock is the bill-to: the billing contact's address, the
// management group's name with 御中 and the contact's name with 様 (ご担当者様
// when no contact is set).
func addresseeBlock(l *i18n.Localizer, group string, c account.BillingContact, found bool) pdf.Addressee {
	to := pdf.Addressee{Names: []string{group + " " + l.T("doc.onchu")}}
	if !found {
		return append2(to, l.T("doc.person_unnamed"))
	}
	to.PostalCode = c.PostalCode
	to.Address = c.Address.Lines()
	if c.Organization != "" && c.Organization != group {
		to.Names = append([]string{c.Organization}, to.Names...)
	}
	return append2(to, c.Name+" "+l.T("doc.sama"))
}

func append2(to pdf.Addressee, name string) pdf.Addressee {
	to.Names = append(to.Names, name)
	return to
}

// issuerBlock is the operator's name, address, phone, fax and
// registration number, as every document prints them.
func (v *view) issuerBlock() pdf.Issuer {
	return v.issuer.Block(v.l.Lang(), v.l.T("doc.registration_number")+": "+v.issuer.RegistrationNumber)
}

// invoicePDF is the invoice (M-4).
func (v *view) invoicePDF(inv Invoice) ([]byte, error) {
	l := v.l
	doc := pdf.NewDocument(pdf.Options{Title: l.T("doc.invoice") + " " + inv.Number, Date: inv.IssuedOn,
		Footer: l.T("doc.invoice") + " " + inv.Number, PageNumbers: true, Stamp: v.stamp})
	doc.Header(pdf.Header{Title: l.T("doc.invoice"), To: v.to, From: v.issuerBlock(), Fields: []pdf.Field{
		{Label: l.T("doc.invoice_number"), Value: inv.Number},
		{Label: l.T("doc.issued_on"), Value: l.Date(inv.IssuedOn)},
		{Label: l.T("doc.total"), Value: l.Yen(inv.Total), Strong: true},
		{Label: l.T("doc.due_on"), Value: l.Date(inv.DueOn), Strong: true},
	}})
	t := doc.Table(pdf.TableStyle{Rules: true},
		pdf.Column{Label: l.T("doc.payment_terms")}, pdf.Column{Label: l.T("doc.due_on")},
		pdf.Column{Label: l.T("doc.statement_number")})
	t.Row(inv.PaymentTerms+" ("+l.T("doc.terms."+inv.PaymentTerms)+")", l.Date(inv.DueOn), inv.StatementNumber)
	doc.Space(4)
	t = doc.Table(pdf.TableStyle{Rules: true},
		pdf.Column{Label: l.T("doc.product"), Fraction: 0.4}, pdf.Column{Label: l.T("doc.service_period")},
		pdf.Column{Label: l.T("doc.quantity"), Width: 18, Align: pdf.AlignRight},
		pdf.Column{Label: l.T("doc.amount"), Width: 35, Align: pdf.AlignRight})
	t.Row(l.T("doc.usage"), l.T("doc.month_usage", map[string]any{"Month": l.Month(v.month.Start())}), "1", l.Yen(inv.Net))
	rows := []pdf.Total{{Label: l.T("doc.subtotal"), Value: l.Yen(inv.Net)}, {Label: l.T("doc.tax"), Value: l.Yen(inv.Tax)},
		{Label: l.T("doc.total"), Value: l.Yen(inv.Total)}, {Label: l.T("doc.paid"), Value: l.Yen(inv.CreditApplied + inv.Paid)},
		{Label: l.T("doc.amount_due"), Value: l.Yen(inv.Due()), Strong: true}}
	doc.Totals(append(rows, v.bucketRows(false)...)...)
	v.remarks(doc, inv.CreditApplied)
	v.bankDetails(doc)
	doc.Space(3)
	doc.Text(l.T("doc.receipt_note") + "\n" + l.T("doc.qualified_note"))
	return write(doc)
}

// bucketRows are the per-rate lines: "10%対象 ¥net 消費税 ¥tax", signed as
// the month's (the statement) or as the document's amounts, always
// positive (an invoice, a credit note).
func (v *view) bucketRows(signed bool) []pdf.Total {
	amount := abs
	if signed {
		amount = func(y money.Yen) money.Yen { return y }
	}
	var rows []pdf.Total
	for _, b := range v.amounts.Buckets {
		rows = append(rows, pdf.Total{Label: v.l.T("doc.bucket", map[string]any{"Rate": b.Rate}), Value: v.l.Yen(amount(b.Net))},
			pdf.Total{Label: v.l.T("doc.bucket_tax", map[string]any{"Rate": b.Rate}), Value: v.l.Yen(amount(b.Tax))})
	}
	return rows
}

func abs(y money.Yen) money.Yen { return max(y, -y) }

func (v *view) remarks(doc *pdf.Document, creditApplied money.Yen) {
	doc.Heading(v.l.T("doc.remarks"))
	text := v.l.T("doc.remarks_month", map[string]any{"Month": v.l.Month(v.month.Start()), "Statement": v.statement})
	if creditApplied > 0 {
		text += "\n" + v.l.T("doc.remarks_credit", map[string]any{"Amount": v.l.Yen(creditApplied)})
	}
	doc.Text(text)
}

func (v *view) bankDetails(doc *pdf.Document) {
	l, id := v.l, v.issuer
	doc.Heading(l.T("doc.bank"))
	doc.Fields(
		pdf.Field{Label: l.T("doc.bank_name"), Value: id.BankName},
		pdf.Field{Label: l.T("doc.bank_branch"), Value: id.BankBranch + " (" + id.BankBranchNumber + ")"},
		pdf.Field{Label: l.T("doc.account_type"), Value: l.T("identity.account_type." + id.AccountType)},
		pdf.Field{Label: l.T("doc.account_number"), Value: id.AccountNumber},
		pdf.Field{Label: l.T("doc.account_holder"), Value: id.AccountHolder})
	doc.Text(l.T("doc.bank_fee"))
}

// creditNotePDF is the return invoice (返還インボイス, 57条の4③).
func (v *view) creditNotePDF(cn CreditNote) ([]byte, error) {
	l := v.l
	doc := pdf.NewDocument(pdf.Options{Title: l.T("doc.credit_note") + " " + cn.Number, Date: cn.IssuedOn,
		Footer: l.T("doc.credit_note") + " " + cn.Number, PageNumbers: true, Stamp: v.stamp})
	doc.Header(pdf.Header{Title: l.T("doc.credit_note"), To: v.to, From: v.issuerBlock(), Fields: []pdf.Field{
		{Label: l.T("doc.credit_note_number"), Value: cn.Number},
		{Label: l.T("doc.issued_on"), Value: l.Date(cn.IssuedOn)},
		{Label: l.T("doc.credit_total"), Value: l.Yen(cn.Total), Strong: true},
	}})
	t := doc.Table(pdf.TableStyle{Rules: true},
		pdf.Column{Label: l.T("doc.product"), Fraction: 0.4}, pdf.Column{Label: l.T("doc.original_period")},
		pdf.Column{Label: l.T("doc.refund_date"), Width: 30},
		pdf.Column{Label: l.T("doc.amount"), Width: 35, Align: pdf.AlignRight})
	t.Row(l.T("doc.credit_what"), v.originalPeriods(), l.Date(cn.IssuedOn), l.Yen(cn.Net))
	doc.Totals(append([]pdf.Total{{Label: l.T("doc.subtotal"), Value: l.Yen(cn.Net)}, {Label: l.T("doc.tax"), Value: l.Yen(cn.Tax)},
		{Label: l.T("doc.credit_total"), Value: l.Yen(cn.Total), Strong: true}}, v.bucketRows(false)...)...)
	doc.Heading(l.T("doc.remarks"))
	doc.Text(l.T("doc.credit_note_remarks", map[string]any{"Month": l.Month(v.month.Start()), "Statement": v.statement}))
	return write(doc)
}

// originalPeriods names the months of the sales that the month's credits
// reverse ("2026年9月分, 2026年10月分").
func (v *view) originalPeriods() string {
	var months []string
	seen := map[string]bool{}
	for _, ln := range v.lines {
		if ln.Amount >= 0 || ln.OrderDate.IsZero() || ln.OrderDate.Year() < 2 {
			continue
		}
		m := v.l.T("doc.month_usage", map[string]any{"Month": v.l.Month(ln.OrderDate)})
		if !seen[m] {
			seen[m] = true
			months = append(months, m)
		}
	}
	if len(months) == 0 {
		return v.l.T("doc.month_usage", map[string]any{"Month": v.l.Month(v.month.Start())})
	}
	return strings.Join(months, ", ")
}

// statementPDF is the itemized statement (M-5): every billed line of the
// month, with totals per tax rate that match the invoice to the yen.
func (v *view) statementPDF(mainNumber string, issuedOn time.Time) ([]byte, error) {
	l := v.l
	doc := pdf.NewDocument(pdf.Options{Title: l.T("doc.statement") + " " + v.statement,
		Date: issuedOn, Footer: l.T("doc.statement") + " " + v.statement, PageNumbers: true, Stamp: v.stamp})
	doc.Header(pdf.Header{Title: l.T("doc.statement"), To: v.to, From: v.issuerBlock(), Fields: []pdf.Field{
		{Label: l.T("doc.statement_number"), Value: v.statement},
		{Label: l.T("doc.period"), Value: l.T("doc.month_usage", map[string]any{"Month": l.Month(v.month.Start())})},
		{Label: l.T("doc.related_document"), Value: mainNumber},
	}})
	t := doc.Table(pdf.TableStyle{Size: 7, Zebra: true},
		pdf.Column{Label: l.T("doc.col_date"), Width: 18}, pdf.Column{Label: l.T("doc.col_order"), Width: 17},
		pdf.Column{Label: l.T("doc.product")}, pdf.Column{Label: l.T("doc.col_years"), Width: 8, Align: pdf.AlignRight},
		pdf.Column{Label: "FQDN", Width: 11, Align: pdf.AlignRight}, pdf.Column{Label: "WC", Width: 8, Align: pdf.AlignRight},
		pdf.Column{Label: l.T("doc.quantity"), Width: 9, Align: pdf.AlignRight},
		pdf.Column{Label: l.T("doc.unit_price"), Width: 16, Align: pdf.AlignRight},
		pdf.Column{Label: l.T("doc.amount"), Width: 18, Align: pdf.AlignRight},
		pdf.Column{Label: l.T("doc.col_customer"), Width: 20}, pdf.Column{Label: l.T("doc.col_memo"), Width: 20})
	for _, ln := range v.lines {
		t.Row(v.lineCells(ln)...)
	}
	rows := v.bucketRows(true)
	rows = append(rows, pdf.Total{Label: l.T("doc.subtotal"), Value: l.Yen(v.amounts.Net)},
		pdf.Total{Label: l.T("doc.tax"), Value: l.Yen(v.amounts.Tax)},
		pdf.Total{Label: l.T("doc.total"), Value: l.Yen(v.amounts.Total), Strong: true})
	doc.Totals(rows...)
	doc.Text(l.T("doc.statement_note", map[string]any{"Number": mainNumber}))
	return write(doc)
}

// lineCells are one statement line's cells; a credit of an earlier month's
// order shows the original order date below the day it was credited.
func (v *view) lineCells(ln StatementLine) []string {
	l := v.l
	date := shortDate(ln.At)
	if ln.Amount < 0 && ln.OrderID != 0 && MonthOf(ln.OrderDate) != v.month {
		date += "\n(" + l.T("doc.original") + " " + shortDate(ln.OrderDate) + ")"
	}
	order, product := "", l.T("ledger.kind."+ln.Kind)
	if ln.OrderID != 0 {
		order = orderNumber(ln)
		product = ln.ProductJA
		if ln.Amount < 0 {
			product = l.T("doc.cancelled") + " " + product
		}
	}
	if ln.Quantity == 0 {
		return []string{date, order, product, "", "", "", "", "", l.Yen(ln.Amount), ln.Customer, ln.Memo}
	}
	return []string{date, order, product, strconv.Itoa(ln.Years), strconv.Itoa(ln.FQDNs), strconv.Itoa(ln.Wildcards),
		strconv.Itoa(ln.Quantity), l.Yen(ln.UnitPrice), l.Yen(ln.Amount), ln.Customer, ln.Memo}
}

// orderNumber is the statement's order column: a voucher order's number,
// or a direct certificate order's with the prefix C (its own series).
func orderNumber(ln StatementLine) string {
	n := strconv.FormatInt(ln.OrderID, 10)
	if ln.Kind == "certificate_charge" || ln.Kind == "certificate_credit" {
		return "C-" + n
	}
	return n
}

func shortDate(t time.Time) string { return t.In(clock.Tokyo).Format("2006/01/02") }

func write(doc *pdf.Document) ([]byte, error) {
	var b bytes.Buffer
	if err := doc.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// MonthToDate is a preview of partnerID's open month as an itemized
// statement stamped "not an invoice": what the close would bill if the
// month ended now. It writes nothing.
func (s *Service) MonthToDate(ctx context.Context, partnerID int64) ([]byte, error) {
	now := s.Clock.Now()
	m := MonthOf(now)
	var name string
	if err := s.DB.QueryRow(ctx, `SELECT name FROM partners WHERE id = $1`, partnerID).Scan(&name); err != nil {
		return nil, err
	}
	terms, err := s.terms(ctx, partnerID, m, now)
	if err != nil {
		return nil, err
	}
	buckets, err := monthBuckets(ctx, s.DB, partnerID, m, terms.TaxRate)
	if err != nil {
		return nil, err
	}
	c := &closing{partner: partnerRef{partnerID, name}, month: m, now: now, issuedOn: clock.Date(now), terms: terms,
		Amounts: amountsOf(buckets)}
	v, err := s.viewOf(ctx, s.DB, c, DocumentLanguage)
	if err != nil {
		return nil, err
	}
	v.statement = v.l.T("doc.month_to_date")
	v.stamp = v.l.T("doc.not_an_invoice")
	return v.statementPDF("—", c.issuedOn)
}
