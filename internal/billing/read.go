package billing

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
)

// InvoiceFilter narrows an invoice list (M-8: by issue date, amount and
// counterparty, ranges and combined). Zero fields do not filter.
type InvoiceFilter struct {
	PartnerID          int64     // 0: every partner (operator Finance)
	IssuedFrom         time.Time // issued_on ≥ IssuedFrom
	IssuedBefore       time.Time // issued_on < IssuedBefore (an inclusive "to" date + 1 day)
	MinTotal, MaxTotal *money.Yen
	Counterparty       string    // part of the partner's name or the addressee
	OverdueOn          time.Time // only invoices overdue on this day
	After              int64     // keyset: invoices with a smaller id (the next page)
	Limit              int       // 0: 50
}

const invoiceColumns = `i.id, i.number, i.partner_id, p.name, i.month, i.issued_on, i.due_on, i.payment_terms,
	i.statement_number, i.net, i.tax, i.total, i.credit_applied, i.paid, i.addressee`

func scanInvoice(r pgx.CollectableRow) (Invoice, error) {
	var i Invoice
	var month time.Time
	err := r.Scan(&i.ID, &i.Number, &i.PartnerID, &i.PartnerName, &month, &i.IssuedOn, &i.DueOn, &i.PaymentTerms,
		&i.StatementNumber, &i.Net, &i.Tax, &i.Total, &i.CreditApplied, &i.Paid, &i.Addressee)
	i.Month = monthFromDate(month)
	i.IssuedOn, i.DueOn = clock.SameDay(i.IssuedOn), clock.SameDay(i.DueOn)
	return i, err
}

// Invoices lists invoices newest first, a page at a time (f.After, f.Limit).
func (s *Service) Invoices(ctx context.Context, f InvoiceFilter) ([]Invoice, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.DB.Query(ctx, `
		SELECT `+invoiceColumns+` FROM invoices i JOIN partners p ON p.id = i.partner_id
		WHERE ($1 = 0 OR i.partner_id = $1)
		  AND ($2::date IS NULL OR i.issued_on >= $2) AND ($3::date IS NULL OR i.issued_on < $3)
		  AND ($4::bigint IS NULL OR i.total >= $4) AND ($5::bigint IS NULL OR i.total <= $5)
		  AND ($6 = '' OR p.name ILIKE '%' || $6 || '%' OR i.addressee ILIKE '%' || $6 || '%')
		  AND ($7::date IS NULL OR (i.due_on < $7 AND i.paid + i.credit_applied < i.total))
		  AND ($8 = 0 OR i.id < $8)
		ORDER BY i.id DESC LIMIT $9`,
		f.PartnerID, postgres.NullTime(f.IssuedFrom), postgres.NullTime(f.IssuedBefore), f.MinTotal, f.MaxTotal,
		likeEscape(f.Counterparty), postgres.NullTime(f.OverdueOn), f.After, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanInvoice)
}

// likeEscape makes s match literally inside ILIKE '%…%'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.TrimSpace(s))
}

// Invoice returns invoice number of partnerID (0: any partner), or ErrNotFound.
func (s *Service) Invoice(ctx context.Context, partnerID int64, number string) (Invoice, error) {
	return s.invoiceWhere(ctx, `i.number = $1`, partnerID, number)
}

// invoiceWhere is the one invoice of partnerID (0: any) that cond selects
// with $1 = number, or ErrNotFound.
func (s *Service) invoiceWhere(ctx context.Context, cond string, partnerID int64, number string) (Invoice, error) {
	rows, err := s.DB.Query(ctx, `
		SELECT `+invoiceColumns+` FROM invoices i JOIN partners p ON p.id = i.partner_id
		WHERE (`+cond+`) AND ($2 = 0 OR i.partner_id = $2)`, number, partnerID)
	if err != nil {
		return Invoice{}, err
	}
	inv, err := pgx.CollectExactlyOneRow(rows, scanInvoice)
	if errors.Is(err, pgx.ErrNoRows) {
		return inv, ErrNotFound
	}
	return inv, err
}

// creditNoteColumns are scanned by scanCreditNote; the partner's name last.
const creditNoteColumns = `n.id, n.number, n.partner_id, n.month, n.issued_on, n.statement_number,
	n.net, n.tax, n.total, n.applied, p.name`

func scanCreditNote(r pgx.CollectableRow) (CreditNote, error) {
	var c CreditNote
	var month time.Time
	err := r.Scan(&c.ID, &c.Number, &c.PartnerID, &month, &c.IssuedOn, &c.StatementNumber, &c.Net, &c.Tax, &c.Total,
		&c.Applied, &c.PartnerName)
	c.Month, c.IssuedOn = monthFromDate(month), clock.SameDay(c.IssuedOn)
	return c, err
}

// CreditNotes lists partnerID's credit notes, newest first.
func (s *Service) CreditNotes(ctx context.Context, partnerID int64) ([]CreditNote, error) {
	rows, err := s.DB.Query(ctx, `
		SELECT `+creditNoteColumns+` FROM credit_notes n JOIN partners p ON p.id = n.partner_id
		WHERE n.partner_id = $1 ORDER BY n.id DESC`, partnerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCreditNote)
}

// LastInvoice is partnerID's latest invoice (the balance page shows it);
// found is false before the first close.
func (s *Service) LastInvoice(ctx context.Context, partnerID int64) (inv Invoice, found bool, err error) {
	invs, err := s.Invoices(ctx, InvoiceFilter{PartnerID: partnerID, Limit: 1})
	if err != nil || len(invs) == 0 {
		return Invoice{}, false, err
	}
	return invs[0], true, nil
}
