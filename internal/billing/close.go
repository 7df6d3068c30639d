package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Outcomes of one partner's close.
const (
	OutcomeInvoice       = "invoice"
	OutcomeCreditNote    = "credit_note"
	OutcomeAlreadyClosed = "already_closed"
	OutcomeFailed        = "failed"
)

// PartnerResult is what the close did for one partner.
type PartnerResult struct {
	PartnerID   int64
	PartnerName string
	Outcome     string
	Number      string    // the invoice's or credit note's
	Total       money.Yen // tax included
	Err         error     // when Outcome is OutcomeFailed
}

// Report is what a run of one month's close did.
type Report struct {
	Month                         Month
	Results                       []PartnerResult
	Closed, AlreadyClosed, Failed int
}

// CloseMonth closes m for every partner with activity in it and returns
// what it did per partner. Partners already closed are left as they are,
// so that a re-run changes nothing and a run after a crash finishes the
// rest. A partner that fails is reported and recorded (close_failures);
// the others are still closed. m must be over (ErrMonthNotOver).
func (s *Service) CloseMonth(ctx context.Context, m Month) (Report, error) {
	now := s.Clock.Now()
	if !m.Before(MonthOf(now)) {
		return Report{}, ErrMonthNotOver
	}
	r := Report{Month: m}
	partners, err := s.activePartners(ctx, m)
	if err != nil {
		return r, err
	}
	if err := s.startRun(ctx, m, len(partners), now); err != nil {
		return r, err
	}
	for _, p := range partners {
		res := s.closePartner(ctx, p, m)
		r.add(res)
		if res.Outcome == OutcomeFailed {
			s.recordFailure(ctx, m, p.id, res.Err)
		}
	}
	if err := s.finishRun(ctx, m, r); err != nil {
		return r, err
	}
	s.countRun(r)
	return r, nil
}

func (r *Report) add(res PartnerResult) {
	r.Results = append(r.Results, res)
	switch res.Outcome {
	case OutcomeFailed:
		r.Failed++
	case OutcomeAlreadyClosed:
		r.AlreadyClosed++
	default:
		r.Closed++
	}
}

type partnerRef struct {
	id   int64
	name string
}

// activePartners are the partners with a billed entry in m, or a close of
// m already recorded (a re-run reports them as closed), in id order. It
// first waits for every transaction holding a partner's ledger lock: one
// may have stamped an entry in m before the month ended and not committed
// yet, and its partner may have no other entry in m. Writers that come
// after are stamped after the month (the close starts once it is over).
func (s *Service) activePartners(ctx context.Context, m Month) (out []partnerRef, err error) {
	err = postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if _, err := q.Exec(ctx, `SELECT count(*) FROM (SELECT id FROM partners FOR SHARE) p`); err != nil {
			return err
		}
		out, err = partnersWithActivity(ctx, q, m)
		return err
	})
	return out, err
}

func partnersWithActivity(ctx context.Context, q postgres.Querier, m Month) ([]partnerRef, error) {
	rows, err := q.Query(ctx, `
		SELECT p.id, p.name FROM partners p
		WHERE p.id IN (SELECT l.partner_id FROM ledger_entries l
		               WHERE l.at >= $1 AND l.at < $2 AND ledger_is_balance_kind(l.kind) AND l.kind <> 'month_closed'
		               UNION SELECT partner_id FROM monthly_closes WHERE month = $3)
		ORDER BY p.id`, m.Start(), m.End(), m.Date())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []partnerRef
	for rows.Next() {
		var p partnerRef
		if err := rows.Scan(&p.id, &p.name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// closePartner closes m for one partner in one transaction.
func (s *Service) closePartner(ctx context.Context, p partnerRef, m Month) PartnerResult {
	res := PartnerResult{PartnerID: p.id, PartnerName: p.name}
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var err error
		res, err = s.With(q).closeLocked(ctx, q, p, m)
		return err
	})
	if err != nil {
		res = PartnerResult{PartnerID: p.id, PartnerName: p.name, Outcome: OutcomeFailed, Err: err}
		s.Log.Error("monthly close failed", "partner", p.id, "month", m.String(), "err", err)
	}
	return res
}

// closeLocked does closePartner's work inside q's transaction: under the
// partner's ledger lock, which every entry is stamped under, no entry of m
// can still arrive.
func (s *Service) closeLocked(ctx context.Context, q postgres.Querier, p partnerRef, m Month) (PartnerResult, error) {
	res := PartnerResult{PartnerID: p.id, PartnerName: p.name}
	if err := ledger.LockPartner(ctx, q, p.id); err != nil {
		return res, err
	}
	var closed bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM monthly_closes WHERE partner_id = $1 AND month = $2)`,
		p.id, m.Date()).Scan(&closed); err != nil || closed {
		res.Outcome = OutcomeAlreadyClosed
		return res, err
	}
	now := s.Clock.Now()
	terms, err := s.terms(ctx, p.id, m, now)
	if err != nil {
		return res, err
	}
	buckets, err := monthBuckets(ctx, q, p.id, m, terms.TaxRate)
	if err != nil {
		return res, err
	}
	c := closing{partner: p, month: m, now: now, issuedOn: clock.Date(now), terms: terms, Amounts: amountsOf(buckets)}
	if _, err := q.Exec(ctx, `INSERT INTO monthly_closes (partner_id, month, closed_at, net) VALUES ($1, $2, $3, $4)`,
		p.id, m.Date(), now, c.Net); err != nil {
		return res, err
	}
	if err := c.appendClose(ctx, q); err != nil {
		return res, err
	}
	if c.Net >= 0 {
		res.Outcome = OutcomeInvoice
		res.Number, err = s.issueInvoice(ctx, q, &c)
	} else {
		res.Outcome = OutcomeCreditNote
		res.Number, err = s.issueCreditNote(ctx, q, &c)
	}
	if err != nil {
		return res, err
	}
	res.Total = c.Total
	if err := s.issueDocuments(ctx, q, &c); err != nil {
		return res, err
	}
	if _, err := q.Exec(ctx, `DELETE FROM close_failures WHERE month = $1 AND partner_id = $2`, m.Date(), p.id); err != nil {
		return res, err
	}
	return res, s.auditClose(ctx, q, c, res)
}

// closing is one partner's month being closed.
type closing struct {
	Amounts
	partner         partnerRef
	month           Month
	now             time.Time
	issuedOn        time.Time
	terms           contract.Terms
	statementNumber string
	invoice         *Invoice
	creditNote      *CreditNote
}

// terms are the contract terms the month is billed under: the version in
// force on the issue date, else the one in force on the month's last day.
func (s *Service) terms(ctx context.Context, partnerID int64, m Month, now time.Time) (contract.Terms, error) {
	v, err := s.Contracts.InForce(ctx, partnerID, now)
	if errors.Is(err, contract.ErrNoContract) {
		v, err = s.Contracts.InForce(ctx, partnerID, m.End().Add(-time.Nanosecond))
	}
	if err != nil {
		return contract.Terms{}, fmt.Errorf("billing: contract of partner %d: %w", partnerID, err)
	}
	return v.Terms, nil
}

// appendClose moves the month's net out of the current balance.
func (c *closing) appendClose(ctx context.Context, q postgres.Querier) error {
	_, err := ledger.Append(ctx, q, ledger.Entry{PartnerID: c.partner.id, At: c.now, Kind: ledger.MonthClosed,
		Amount: c.Net, Reason: c.month.String()})
	return err
}

// issueInvoice numbers the invoice and its statement, applies open credit
// notes, and adds its total to the unpaid invoices.
func (s *Service) issueInvoice(ctx context.Context, q postgres.Querier, c *closing) (string, error) {
	number, err := nextNumber(ctx, q, KindInvoice)
	if err != nil {
		return "", err
	}
	if c.statementNumber, err = nextNumber(ctx, q, KindStatement); err != nil {
		return "", err
	}
	due, err := DueDate(c.terms.PaymentTerms, c.issuedOn)
	if err != nil {
		return "", err
	}
	addressee, err := addresseeOf(ctx, q, c.partner.id)
	if err != nil {
		return "", err
	}
	inv := &Invoice{Number: number, PartnerID: c.partner.id, PartnerName: c.partner.name, Month: c.month,
		IssuedOn: c.issuedOn, DueOn: due, PaymentTerms: c.terms.PaymentTerms, StatementNumber: c.statementNumber,
		Net: c.Net, Tax: c.Tax, Total: c.Total, Addressee: addressee}
	if err := q.QueryRow(ctx, `
		INSERT INTO invoices (number, partner_id, month, issued_on, due_on, payment_terms, statement_number,
		                      net, tax, total, addressee, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		inv.Number, inv.PartnerID, c.month.Date(), inv.IssuedOn, inv.DueOn, inv.PaymentTerms, inv.StatementNumber,
		inv.Net, inv.Tax, inv.Total, inv.Addressee, c.now).Scan(&inv.ID); err != nil {
		return "", err
	}
	if inv.CreditApplied, err = applyCredit(ctx, q, inv); err != nil {
		return "", err
	}
	c.invoice = inv
	_, err = ledger.Append(ctx, q, ledger.Entry{PartnerID: c.partner.id, At: c.now, Kind: ledger.InvoiceIssued,
		Amount: -inv.Total, Reason: inv.Number})
	return number, err
}

// applyCredit uses the partner's open credit notes, oldest first, against
// inv and returns the amount applied.
func applyCredit(ctx context.Context, q postgres.Querier, inv *Invoice) (money.Yen, error) {
	rows, err := q.Query(ctx, `SELECT id, total - applied FROM credit_notes
		WHERE partner_id = $1 AND applied < total ORDER BY id FOR UPDATE`, inv.PartnerID)
	if err != nil {
		return 0, err
	}
	type open struct {
		id   int64
		left money.Yen
	}
	notes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (open, error) {
		var o open
		return o, r.Scan(&o.id, &o.left)
	})
	if err != nil {
		return 0, err
	}
	var applied money.Yen
	for _, n := range notes {
		use := min(n.left, inv.Total-applied)
		if use <= 0 {
			break
		}
		if _, err := q.Exec(ctx, `
			WITH a AS (INSERT INTO credit_applications (credit_note_id, invoice_id, amount) VALUES ($1, $2, $3))
			UPDATE credit_notes SET applied = applied + $3 WHERE id = $1`, n.id, inv.ID, use); err != nil {
			return 0, err
		}
		applied += use
	}
	_, err = q.Exec(ctx, `UPDATE invoices SET credit_applied = $2 WHERE id = $1`, inv.ID, applied)
	return applied, err
}

// issueCreditNote numbers the credit note and its statement and lowers the
// unpaid invoices by its total (the credit is applied to later invoices).
func (s *Service) issueCreditNote(ctx context.Context, q postgres.Querier, c *closing) (string, error) {
	number, err := nextNumber(ctx, q, KindCreditNote)
	if err != nil {
		return "", err
	}
	if c.statementNumber, err = nextNumber(ctx, q, KindStatement); err != nil {
		return "", err
	}
	addressee, err := addresseeOf(ctx, q, c.partner.id)
	if err != nil {
		return "", err
	}
	cn := &CreditNote{Number: number, PartnerID: c.partner.id, Month: c.month, IssuedOn: c.issuedOn,
		StatementNumber: c.statementNumber, Net: -c.Net, Tax: -c.Tax, Total: -c.Total}
	if err := q.QueryRow(ctx, `
		INSERT INTO credit_notes (number, partner_id, month, issued_on, statement_number, net, tax, total, addressee, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		cn.Number, cn.PartnerID, c.month.Date(), cn.IssuedOn, cn.StatementNumber, cn.Net, cn.Tax, cn.Total,
		addressee, c.now).Scan(&cn.ID); err != nil {
		return "", err
	}
	c.creditNote = cn
	_, err = ledger.Append(ctx, q, ledger.Entry{PartnerID: c.partner.id, At: c.now, Kind: ledger.CreditNoteIssued,
		Amount: cn.Total, Reason: cn.Number})
	return number, err
}

// addresseeOf is the invoice's addressee: the partner's first active
// management group (the manual: the group's name is the invoice's company
// name), else the partner's name.
func addresseeOf(ctx context.Context, q postgres.Querier, partnerID int64) (string, error) {
	var name string
	err := q.QueryRow(ctx, `
		SELECT coalesce((SELECT name FROM management_groups WHERE partner_id = $1 AND active ORDER BY id LIMIT 1),
		                (SELECT name FROM partners WHERE id = $1))`, partnerID).Scan(&name)
	return name, err
}

func (s *Service) auditClose(ctx context.Context, q postgres.Querier, c closing, res PartnerResult) error {
	e := audit.Entry{ActorUsername: "system"}.In(c.partner.id).Of(c.now, audit.MonthClosed, "partner", c.partner.id)
	e.Details = map[string]any{"month": c.month.String(), "outcome": res.Outcome, "number": res.Number,
		"statement": c.statementNumber, "net": c.Net, "tax": c.Tax, "total": c.Total}
	return audit.Record(ctx, q, e)
}
