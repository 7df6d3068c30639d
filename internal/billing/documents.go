package billing

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Document is a stored PDF (M-6): its bytes never change.
type Document struct {
	ID        int64
	PartnerID int64
	Kind      string
	Number    string
	FileName  string
	SHA256    [32]byte
	Content   []byte
	CreatedAt time.Time
}

// fileNames of the documents, as the recipient sees them (the manual's
// Invoice_INV….pdf and Itemized-invoice_….pdf).
var fileNames = map[string]string{KindInvoice: "Invoice_", KindStatement: "Itemized-invoice_", KindCreditNote: "Credit-note_"}

// storeDocument writes a newly issued PDF through q.
func storeDocument(ctx context.Context, q postgres.Querier, d *Document) error {
	d.SHA256 = sha256.Sum256(d.Content)
	d.FileName = fileNames[d.Kind] + d.Number + ".pdf"
	return q.QueryRow(ctx, `
		INSERT INTO documents (partner_id, kind, number, file_name, sha256, content, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		d.PartnerID, d.Kind, d.Number, d.FileName, d.SHA256[:], d.Content, d.CreatedAt).Scan(&d.ID)
}

// DocumentOf returns the stored document number of partnerID (ErrNotFound
// for another partner's); partnerID 0 reads any partner's (operator Finance).
func (s *Service) DocumentOf(ctx context.Context, partnerID int64, number string) (Document, error) {
	var d Document
	var sum []byte
	err := s.DB.QueryRow(ctx, `
		SELECT id, partner_id, kind, number, file_name, sha256, content, created_at FROM documents
		WHERE number = $1 AND ($2 = 0 OR partner_id = $2)`, number, partnerID).
		Scan(&d.ID, &d.PartnerID, &d.Kind, &d.Number, &d.FileName, &sum, &d.Content, &d.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	copy(d.SHA256[:], sum)
	return d, err
}

// issueDocuments renders, stores and emails the month's documents: the
// invoice or the credit note, and the itemized statement, each in its own
// email to the billing contact (the manual's two emails).
func (s *Service) issueDocuments(ctx context.Context, q postgres.Querier, c *closing) error {
	docs, err := s.render(ctx, q, c)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if err := storeDocument(ctx, q, d); err != nil {
			return err
		}
		if s.Metrics != nil {
			s.Metrics.DocumentIssued(d.Kind)
		}
	}
	return s.mailDocuments(ctx, q, c, docs)
}

// mailDocuments enqueues one email per document to the billing contact's
// addresses, in the partner's language; without a billing contact the
// documents wait in Finance → Orders and invoices.
func (s *Service) mailDocuments(ctx context.Context, q postgres.Querier, c *closing, docs []*Document) error {
	contact, found, err := s.Accounts.With(q).BillingContact(ctx, c.partner.id)
	if err != nil || !found {
		return err
	}
	lang, err := s.Accounts.PartnerLanguage(ctx, q, c.partner.id)
	if err != nil {
		return err
	}
	l := s.I18n.Localizer(lang)
	for _, d := range docs {
		data := map[string]any{"Number": d.Number, "Month": l.Month(c.month.Start()), "Partner": c.partner.name,
			"Total": l.Yen(c.Total), "Statement": c.statementNumber}
		m := documentMail(l, contact.Emails, d.Kind, data)
		m.Attachments = []mail.Attachment{{FileName: d.FileName, ContentType: "application/pdf", Content: d.Content}}
		if err := mail.Enqueue(ctx, q, c.now, m); err != nil {
			return err
		}
	}
	return nil
}

// documentMail is the email that carries a document of kind.
func documentMail(l mail.Translator, to []string, kind string, data map[string]any) mail.Message {
	switch kind {
	case KindInvoice:
		return mail.Translated(l, to, "mail.billing_invoice", data)
	case KindCreditNote:
		return mail.Translated(l, to, "mail.billing_credit_note", data)
	}
	return mail.Translated(l, to, "mail.billing_statement", data)
}
