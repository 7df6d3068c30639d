// Package ledger owns the partner's account ledger (B-1 … B-3): append-only
// entries, the four figures derived from them, the credit check that locks
// the partner's row so that concurrent purchases cannot overdraw together,
// and the balance-notification email when available funds cross the
// partner's threshold.
package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Kind is the type of a ledger entry.
type Kind string

// Entry kinds. Amounts are the effect on the balance: charges negative.
const (
	VoucherCharge      Kind = "voucher_charge"
	CancellationCredit Kind = "cancellation_credit"
	Adjustment         Kind = "adjustment"
	CertificateCharge  Kind = "certificate_charge"
	CertificateCredit  Kind = "certificate_credit"
	// MonthClosed moves a closed month's net out of the current balance
	// (into an invoice or a credit note).
	MonthClosed      Kind = "month_closed"
	InvoiceIssued    Kind = "invoice_issued"
	PaymentReceived  Kind = "payment_received"
	CreditNoteIssued Kind = "credit_note_issued"
)

// Kinds lists the kinds in display order (the history filter).
var Kinds = []Kind{VoucherCharge, CancellationCredit, Adjustment, CertificateCharge, CertificateCredit,
	MonthClosed, InvoiceIssued, PaymentReceived, CreditNoteIssued}

// MovesBalance reports whether entries of k move the current balance; the
// others move the unpaid invoices (amount negative: more unpaid). The SQL
// function ledger_is_balance_kind is the same rule for the database.
func (k Kind) MovesBalance() bool {
	switch k {
	case VoucherCharge, CancellationCredit, Adjustment, CertificateCharge, CertificateCredit, MonthClosed:
		return true
	}
	return false
}

// Entry is one ledger row.
type Entry struct {
	ID             int64
	PartnerID      int64
	GroupID        int64
	GroupName      string
	At             time.Time
	Kind           Kind
	Amount         money.Yen
	VoucherOrderID int64
	// CertificateOrderID is the direct certificate order charged or
	// credited (C-5), 0 otherwise.
	CertificateOrderID int64
	ExpiresOn          time.Time // the voucher order's expiry, when there is one
	Reason             string
	CreatedBy          int64
	Balance            money.Yen // running balance after this entry (history only)
}

// Figures are the four numbers of the balance page (B-2).
type Figures struct {
	CurrentBalance money.Yen // −(net charges not yet invoiced)
	UnpaidInvoices money.Yen
	CreditLimit    money.Yen
	Available      money.Yen // credit limit + current balance − unpaid invoices
}

// after returns f once e is appended.
func (f Figures) after(e Entry) Figures {
	if e.Kind.MovesBalance() {
		f.CurrentBalance += e.Amount
	} else {
		f.UnpaidInvoices -= e.Amount
	}
	f.Available = f.CreditLimit + f.CurrentBalance - f.UnpaidInvoices
	return f
}

// ErrInsufficientFunds means a purchase exceeds total available funds.
var ErrInsufficientFunds = fault.New(fault.Conflict, "ledger: the purchase exceeds total available funds", "")

// LockPartner takes the partner's row lock for the rest of q's transaction,
// serialising every credit check and charge of that partner.
func LockPartner(ctx context.Context, q postgres.Querier, partnerID int64) error {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM partners WHERE id = $1 FOR UPDATE`, partnerID).Scan(&id)
	if err != nil {
		return fmt.Errorf("ledger: lock partner %d: %w", partnerID, err)
	}
	return nil
}

// Compute returns the figures of partnerID with creditLimit. It reads the
// running totals that each entry updates (ledger_totals), so that it costs
// the same whatever the length of the partner's history; Recompute is the
// same figures summed from every entry.
func Compute(ctx context.Context, q postgres.Querier, partnerID int64, creditLimit money.Yen) (Figures, error) {
	f := Figures{CreditLimit: creditLimit}
	err := q.QueryRow(ctx, `
		SELECT coalesce(max(current_balance), 0), coalesce(max(unpaid), 0)
		FROM ledger_totals WHERE partner_id = $1`, partnerID).Scan(&f.CurrentBalance, &f.UnpaidInvoices)
	f.Available = f.CreditLimit + f.CurrentBalance - f.UnpaidInvoices
	return f, err
}

// Recompute derives the figures of partnerID from all its entries: the
// check of the running totals (tests, and an operator's audit).
func Recompute(ctx context.Context, q postgres.Querier, partnerID int64, creditLimit money.Yen) (Figures, error) {
	f := Figures{CreditLimit: creditLimit}
	err := q.QueryRow(ctx, `
		SELECT coalesce(sum(amount) FILTER (WHERE ledger_is_balance_kind(kind)), 0),
		       coalesce(sum(-amount) FILTER (WHERE NOT ledger_is_balance_kind(kind)), 0)
		FROM ledger_entries WHERE partner_id = $1`, partnerID).Scan(&f.CurrentBalance, &f.UnpaidInvoices)
	f.Available = f.CreditLimit + f.CurrentBalance - f.UnpaidInvoices
	return f, err
}

// Append writes e through q (the caller's transaction) and returns its id.
// An entry is never stamped inside a month already closed for its partner:
// a writer whose clock lags the closer's gets the first instant after that
// month instead, so that it is billed next month rather than never.
func Append(ctx context.Context, q postgres.Querier, e Entry) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `
		INSERT INTO ledger_entries (partner_id, group_id, at, kind, amount, voucher_order_id, reason, created_by, certificate_order_id)
		VALUES ($1, $2, greatest($3::timestamptz, (SELECT (max(month) + interval '1 month') AT TIME ZONE 'Asia/Tokyo'
		                                           FROM monthly_closes WHERE partner_id = $1)),
		        $4, $5, $6, $7, $8, $9) RETURNING id`,
		e.PartnerID, postgres.NullID(e.GroupID), e.At, e.Kind, e.Amount, postgres.NullID(e.VoucherOrderID), e.Reason,
		postgres.NullID(e.CreatedBy), postgres.NullID(e.CertificateOrderID)).Scan(&id)
	return id, err
}

// Filter narrows the balance history and picks one page of it.
type Filter struct {
	Kind     Kind
	From, To time.Time // at ≥ From, at < To; zero: open
	Before   Cursor    // the page after a previous one: entries older than this; zero: the newest
	Limit    int       // entries per page; 0: HistoryPage
}

// HistoryPage is how many entries the balance history shows at a time.
const HistoryPage = 50

// Cursor is where a page of the history ends: the last entry's time and id.
type Cursor struct {
	At time.Time
	ID int64
}

// IsZero reports whether c is the start of the history (the newest entry).
func (c Cursor) IsZero() bool { return c.ID == 0 }

// CursorOf is the cursor after e.
func CursorOf(e Entry) Cursor { return Cursor{At: e.At, ID: e.ID} }

// History returns one page of partnerID's entries, newest first, each with
// the running balance after it (kept with the entry when it was written, so
// that it is right on every page and under any filter). It reads one index
// range, however long the history.
func History(ctx context.Context, q postgres.Querier, partnerID int64, f Filter) ([]Entry, error) {
	if f.Limit <= 0 {
		f.Limit = HistoryPage
	}
	rows, err := q.Query(ctx, `
		SELECT l.id, l.partner_id, coalesce(l.group_id, 0), coalesce(g.name, ''), l.at, l.kind, l.amount,
		       coalesce(l.voucher_order_id, 0), coalesce(o.expires_on, '0001-01-01'), l.reason, coalesce(l.created_by, 0),
		       l.balance_after, coalesce(l.certificate_order_id, 0)
		FROM ledger_entries l
		LEFT JOIN management_groups g ON g.id = l.group_id
		LEFT JOIN voucher_orders o ON o.id = l.voucher_order_id
		WHERE l.partner_id = $1 AND ($2 = '' OR l.kind = $2)
		  AND ($3::timestamptz IS NULL OR l.at >= $3) AND ($4::timestamptz IS NULL OR l.at < $4)
		  AND ($5 = 0 OR (l.at, l.id) < ($6, $5))
		ORDER BY l.at DESC, l.id DESC LIMIT $7`,
		partnerID, string(f.Kind), postgres.NullTime(f.From), postgres.NullTime(f.To), f.Before.ID, f.Before.At, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Entry, error) {
		var e Entry
		err := r.Scan(&e.ID, &e.PartnerID, &e.GroupID, &e.GroupName, &e.At, &e.Kind, &e.Amount,
			&e.VoucherOrderID, &e.ExpiresOn, &e.Reason, &e.CreatedBy, &e.Balance, &e.CertificateOrderID)
		return e, err
	})
}
