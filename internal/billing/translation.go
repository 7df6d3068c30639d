package billing

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Translation renders document number of partnerID (0: any partner) again
// in lang, for reading, stamped as a translation: the stored Japanese
// original is the document. The figures are the stored ones; the lines are
// the month's entries, which never change. It writes nothing.
func (s *Service) Translation(ctx context.Context, partnerID int64, number, lang string) ([]byte, error) {
	c, kind, err := s.closingOf(ctx, partnerID, number)
	if err != nil {
		return nil, err
	}
	v, err := s.viewOf(ctx, s.DB, c, lang)
	if err != nil {
		return nil, err
	}
	v.stamp = v.l.T("doc.translation")
	switch {
	case kind == KindInvoice:
		return v.invoicePDF(*c.invoice)
	case kind == KindCreditNote:
		return v.creditNotePDF(*c.creditNote)
	case c.invoice != nil:
		return v.statementPDF(c.invoice.Number, c.issuedOn)
	}
	return v.statementPDF(c.creditNote.Number, c.issuedOn)
}

// closingOf rebuilds the closing that issued document number (an invoice,
// a credit note or their statement) and says which kind number is.
func (s *Service) closingOf(ctx context.Context, partnerID int64, number string) (*closing, string, error) {
	c := &closing{}
	kind := KindStatement
	inv, err := s.invoiceWhere(ctx, `i.number = $1 OR i.statement_number = $1`, partnerID, number)
	switch {
	case err == nil:
		c.invoice, c.month, c.issuedOn, c.statementNumber = &inv, inv.Month, inv.IssuedOn, inv.StatementNumber
		c.partner = partnerRef{inv.PartnerID, inv.PartnerName}
		if inv.Number == number {
			kind = KindInvoice
		}
	case errors.Is(err, ErrNotFound):
		cn, err := s.creditNoteWhere(ctx, partnerID, number)
		if err != nil {
			return nil, "", err
		}
		c.creditNote, c.month, c.issuedOn, c.statementNumber = &cn, cn.Month, cn.IssuedOn, cn.StatementNumber
		c.partner = partnerRef{cn.PartnerID, cn.PartnerName}
		if cn.Number == number {
			kind = KindCreditNote
		}
	default:
		return nil, "", err
	}
	return c, kind, s.recompute(ctx, c)
}

// recompute fills the month's terms and amounts of a rebuilt closing.
func (s *Service) recompute(ctx context.Context, c *closing) error {
	terms, err := s.terms(ctx, c.partner.id, c.month, c.issuedOn)
	if err != nil {
		return err
	}
	c.terms = terms
	buckets, err := monthBuckets(ctx, s.DB, c.partner.id, c.month, terms.TaxRate)
	c.Amounts = amountsOf(buckets)
	return err
}

// creditNoteWhere is partnerID's (0: any) credit note numbered number, or
// the one whose statement it is; ErrNotFound.
func (s *Service) creditNoteWhere(ctx context.Context, partnerID int64, number string) (CreditNote, error) {
	rows, err := s.DB.Query(ctx, `
		SELECT `+creditNoteColumns+` FROM credit_notes n JOIN partners p ON p.id = n.partner_id
		WHERE (n.number = $1 OR n.statement_number = $1) AND ($2 = 0 OR n.partner_id = $2)`, number, partnerID)
	if err != nil {
		return CreditNote{}, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCreditNote)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}
