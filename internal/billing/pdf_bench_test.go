package billing

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/money"
)

// benchView is a month of a partner as the close draws it (the demo
// operator, a billing contact, n statement lines), without a database.
func benchView(tb testing.TB, n int) (*view, Invoice) {
	tb.Helper()
	b, err := i18n.Load()
	if err != nil {
		tb.Fatal(err)
	}
	l := b.Localizer(DocumentLanguage)
	issued := time.Date(2026, 12, 1, 0, 0, 5, 0, clock.Tokyo)
	month := MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, clock.Tokyo))
	contact := account.BillingContact{Name: "山田 太郎", Organization: "株式会社エース",
		Address: account.Address{Country: "JP", State: "大阪府", City: "大阪市北区", Line1: "梅田1-2-3", Line2: "梅田スカイビル 10階", PostalCode: "530-0001"}}
	var lines []StatementLine
	var net money.Yen
	for i := range n {
		at := month.Start().Add(time.Duration(i%29*24+9) * time.Hour)
		lines = append(lines, StatementLine{At: at, OrderDate: at, Kind: "voucher_charge", OrderID: int64(1000 + i),
			ProductJA: "デジサート グローバル・サーバID", Years: 1, FQDNs: 1, Quantity: 10, UnitPrice: 995, Amount: 9950,
			TaxRate: 10, Customer: fmt.Sprintf("お客様 %d", i)})
		net += 9950
	}
	amounts := amountsOf([]Bucket{{Rate: 10, Net: net}})
	v := &view{l: l, issuer: demo.Operator, to: addresseeBlock(l, "本社", contact, true), month: month,
		amounts: amounts, lines: lines, statement: "ST0000123"}
	inv := Invoice{Number: "INV0000123", Month: month, IssuedOn: issued, DueOn: time.Date(2026, 12, 31, 0, 0, 0, 0, clock.Tokyo),
		PaymentTerms: "NET30EOM", StatementNumber: "ST0000123", Net: amounts.Net, Tax: amounts.Tax, Total: amounts.Total,
		Addressee: "本社"}
	return v, inv
}

// BenchmarkInvoicePDF draws the invoice as the close does (issue #8: goal
// ≤ 20 ms and ≤ 40 KB). PDF_DUMP=dir writes the PDF there.
func BenchmarkInvoicePDF(b *testing.B) {
	v, inv := benchView(b, 10)
	b.ReportAllocs()
	var doc []byte
	for b.Loop() {
		var err error
		if doc, err = v.invoicePDF(inv); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(doc)), "pdf-bytes")
	dumpPDF(b, "invoice.pdf", doc)
}

// BenchmarkStatementPDF draws an itemized statement of 1,000 lines.
func BenchmarkStatementPDF(b *testing.B) {
	v, inv := benchView(b, 1000)
	b.ReportAllocs()
	var doc []byte
	for b.Loop() {
		var err error
		if doc, err = v.statementPDF(inv.Number, inv.IssuedOn); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(doc)), "pdf-bytes")
	dumpPDF(b, "statement.pdf", doc)
}

func dumpPDF(b *testing.B, name string, doc []byte) {
	if dir := os.Getenv("PDF_DUMP"); dir != "" {
		if err := os.WriteFile(dir+"/"+name, doc, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
