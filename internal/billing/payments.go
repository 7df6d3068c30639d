package billing

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// PaymentInput is a payment as operator Finance enters it (M-8).
type PaymentInput struct {
	Amount    money.Yen
	PaidOn    time.Time // the day the money arrived (a Japan date)
	Reference string    // the bank's reference, free text
}

// Payment is a recorded payment.
type Payment struct {
	ID         int64
	PaidOn     time.Time
	Amount     money.Yen
	Reference  string
	RecordedBy string
	RecordedAt time.Time
}

// RecordPayment records a full or partial payment of invoice number: the
// invoice's paid amount grows and a ledger entry lowers the unpaid
// invoices, in one transaction under the partner's ledger lock. It returns
// the actor's refusal (auth.ManageBilling), valid.Errors for an amount that is not positive or exceeds what is due,
// a day in the future or before the invoice, or a long reference;
// ErrNotFound; ErrNothingDue for a paid invoice.
func (s *Service) RecordPayment(ctx context.Context, number string, in PaymentInput, actor auth.Actor) error {
	if err := actor.Require(auth.ManageBilling); err != nil {
		return err
	}
	in.Reference = strings.TrimSpace(in.Reference)
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		inv, err := s.With(q).Invoice(ctx, 0, number)
		if err != nil {
			return err
		}
		if err := ledger.LockPartner(ctx, q, inv.PartnerID); err != nil {
			return err
		}
		if err := q.QueryRow(ctx, `SELECT paid FROM invoices WHERE id = $1`, inv.ID).Scan(&inv.Paid); err != nil {
			return err
		}
		if inv.Due() <= 0 {
			return ErrNothingDue
		}
		now := s.Clock.Now()
		if e := checkPayment(in, inv, now); len(e) > 0 {
			return e
		}
		return s.appendPayment(ctx, q, inv, in, actor.Entry(), now)
	})
}

// checkPayment is the rule for a payment of inv entered at now.
func checkPayment(in PaymentInput, inv Invoice, now time.Time) valid.Errors {
	e := valid.Errors{}
	if in.Amount <= 0 || in.Amount > inv.Due() {
		e.Add("amount", "billing.payment_amount", map[string]any{"Due": inv.Due().String()})
	}
	switch {
	case in.PaidOn.IsZero():
		e.Add("paid_on", "form.required")
	case in.PaidOn.After(clock.Date(now)) || in.PaidOn.Before(clock.Date(inv.IssuedOn)):
		e.Add("paid_on", "billing.payment_day")
	}
	e.MaxLen("reference", in.Reference, 200)
	return e
}

func (s *Service) appendPayment(ctx context.Context, q postgres.Querier, inv Invoice, in PaymentInput, actor audit.Entry, now time.Time) error {
	var id int64
	if err := q.QueryRow(ctx, `
		INSERT INTO payments (invoice_id, partner_id, paid_on, amount, reference, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		inv.ID, inv.PartnerID, in.PaidOn, in.Amount, in.Reference, actor.ActorUserID, now).Scan(&id); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `UPDATE invoices SET paid = paid + $2 WHERE id = $1`, inv.ID, in.Amount); err != nil {
		return err
	}
	if _, err := ledger.Append(ctx, q, ledger.Entry{PartnerID: inv.PartnerID, At: now, Kind: ledger.PaymentReceived,
		Amount: in.Amount, Reason: inv.Number, CreatedBy: actor.ActorUserID}); err != nil {
		return err
	}
	e := actor.In(inv.PartnerID).Of(now, audit.PaymentRecorded, "invoice", inv.Number)
	e.Details = map[string]any{"amount": in.Amount, "paid_on": in.PaidOn.Format(time.DateOnly), "reference": in.Reference,
		"due_after": inv.Due() - in.Amount}
	return audit.Record(ctx, q, e)
}

// Payments lists the payments of invoice id, oldest first.
func (s *Service) Payments(ctx context.Context, invoiceID int64) ([]Payment, error) {
	rows, err := s.DB.Query(ctx, `
		SELECT p.id, p.paid_on, p.amount, p.reference, u.username, p.recorded_at
		FROM payments p JOIN users u ON u.id = p.recorded_by
		WHERE p.invoice_id = $1 ORDER BY p.id`, invoiceID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Payment, error) {
		var p Payment
		return p, r.Scan(&p.ID, &p.PaidOn, &p.Amount, &p.Reference, &p.RecordedBy, &p.RecordedAt)
	})
}
