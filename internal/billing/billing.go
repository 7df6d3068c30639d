// Package billing is the monthly close of the OnGoing contract (M-1 … M-8):
// at 00:00 Japan time on the 1st it closes the previous month of every
// partner with activity — the month's net leaves the current balance and
// becomes an invoice (or, when negative, a credit note, 返還インボイス),
// with its itemized statement (請求明細書) — stores each PDF once, emails
// them to the billing contact through the outbox, and records payments.
//
// Exactly once: one process runs the close (an advisory lock); each
// partner's close is one transaction under the partner's ledger lock and a
// unique (partner, month) row, so that a crash loses nothing and a restart
// finishes the rest without billing anyone twice.
package billing

import (
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Service closes months and reads and changes invoices.
type Service struct {
	DB        postgres.DB
	Pool      *pgxpool.Pool // the advisory lock of the close needs a pool connection of its own
	Clock     clock.Clock
	Ledger    *ledger.Store
	Contracts *contract.Store
	Accounts  *account.Store
	Issuer    *issuer.Store
	I18n      *i18n.Bundle
	Log       *slog.Logger
	Metrics   Metrics // may be nil
}

// Metrics counts close runs and issued documents (internal/metrics).
type Metrics interface {
	CloseRun(result string)
	DocumentIssued(kind string)
}

// With returns the service bound to q (the caller's transaction).
func (s *Service) With(q postgres.Querier) *Service { return postgres.Rebind(s, q) }

// Document kinds: the series of their numbers and of the stored PDFs.
const (
	KindInvoice    = "invoice"
	KindStatement  = "statement"
	KindCreditNote = "credit_note"
)

// numberPrefix is what each series' numbers start with (INV0000001 …).
var numberPrefix = map[string]string{KindInvoice: "INV", KindStatement: "ST", KindCreditNote: "CN"}

// Invoice is one month's invoice of one partner (M-3, M-4).
type Invoice struct {
	ID              int64
	Number          string
	PartnerID       int64
	PartnerName     string
	Month           Month
	IssuedOn        time.Time
	DueOn           time.Time
	PaymentTerms    string
	StatementNumber string
	Net, Tax, Total money.Yen
	CreditApplied   money.Yen // from earlier credit notes
	Paid            money.Yen // payments recorded
	Addressee       string
}

// Due is what remains to be paid.
func (i Invoice) Due() money.Yen { return i.Total - i.CreditApplied - i.Paid }

// Status of an invoice on a day.
type Status string

// Statuses, as the partner's and the operator's lists show them.
const (
	StatusUnpaid     Status = "unpaid"
	StatusPartlyPaid Status = "partly_paid"
	StatusPaid       Status = "paid"
	StatusOverdue    Status = "overdue"
)

// StatusOn is the invoice's status on day (a Japan date): paid when nothing
// is due, overdue after the due date, partly paid when something was paid.
func (i Invoice) StatusOn(day time.Time) Status {
	switch {
	case i.Due() <= 0:
		return StatusPaid
	case clock.Date(day).After(clock.Date(i.DueOn)):
		return StatusOverdue
	case i.Paid+i.CreditApplied > 0:
		return StatusPartlyPaid
	}
	return StatusUnpaid
}

// CreditNote is a net-negative month's return invoice; its total is
// applied to the partner's next invoices.
type CreditNote struct {
	ID              int64
	Number          string
	PartnerID       int64
	PartnerName     string
	Month           Month
	IssuedOn        time.Time
	StatementNumber string
	Net, Tax, Total money.Yen // positive: the credit
	Applied         money.Yen
}

// Errors of the billing domain.
var (
	ErrNotFound       = fault.New(fault.NotFound, "billing: no such document", "")
	ErrMonthNotOver   = fault.New(fault.Invalid, "billing: the month is not over yet", "billing.month_not_over")
	ErrNothingDue     = fault.New(fault.Conflict, "billing: the invoice is paid", "billing.nothing_due")
	ErrIssuerNotReady = fault.New(fault.Conflict, "billing: the operator's details are not set", "billing.issuer_not_set")
	ErrCloseRunning   = fault.New(fault.Conflict, "billing: another process is running the close", "billing.close_running")
)
