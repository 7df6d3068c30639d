package billing

import (
	"context"
	"io"
	"time"

	"github.com/ccp-partner/portal/internal/csvout"
)

// csvBatch is how many invoices the CSV reads at a time.
const csvBatch = 500

// invoiceCSVHeader names the columns of the invoice list CSV, stable for
// accounting software to map once.
var invoiceCSVHeader = []string{"invoice_number", "partner_id", "partner_name", "addressee", "month", "issue_date",
	"due_date", "payment_terms", "net", "tax", "total", "credit_applied", "paid", "amount_due", "status",
	"statement_number"}

// WriteInvoicesCSV streams the invoices f selects (every page of them,
// newest first) as CSV for accounting software, a batch at a time, so that
// memory stays flat however many there are; status is as of now.
func (s *Service) WriteInvoicesCSV(ctx context.Context, w io.Writer, f InvoiceFilter, enc csvout.Encoding) error {
	f.Limit, f.After = csvBatch, 0
	batch, err := s.Invoices(ctx, f) // the first query runs before the first byte
	if err != nil {
		return err
	}
	out, err := csvout.New(w, enc)
	if err != nil {
		return err
	}
	if err := out.Row(invoiceCSVHeader...); err != nil {
		return err
	}
	now := s.Clock.Now()
	for len(batch) > 0 {
		for _, inv := range batch {
			if err := invoiceRow(out, inv, now); err != nil {
				return err
			}
		}
		if len(batch) < csvBatch {
			break
		}
		f.After = batch[len(batch)-1].ID
		if batch, err = s.Invoices(ctx, f); err != nil {
			return err
		}
	}
	return out.Close()
}

func invoiceRow(out *csvout.Writer, inv Invoice, now time.Time) error {
	out.Text(inv.Number)
	out.Int(inv.PartnerID)
	out.Text(inv.PartnerName)
	out.Text(inv.Addressee)
	out.Text(inv.Month.String())
	out.Date(inv.IssuedOn)
	out.Date(inv.DueOn)
	out.Text(inv.PaymentTerms)
	for _, y := range []int64{int64(inv.Net), int64(inv.Tax), int64(inv.Total), int64(inv.CreditApplied), int64(inv.Paid), int64(inv.Due())} {
		out.Int(y)
	}
	out.Text(string(inv.StatusOn(now)))
	out.Text(inv.StatementNumber)
	return out.End()
}
