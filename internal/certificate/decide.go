package certificate

import (
	"context"
	"crypto"
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/ca"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Approve issues the certificate of pending order id (C-3): the plan
// starts now (it ends the voucher's years later), the certificate is
// valid from now until the earlier of the plan's end and the longest
// validity the CA/Browser Forum allows today, for the request's names and
// the CSR's key. The order, the certificate, the audit entry and the email
// to the requester are one transaction. It returns the actor's refusal
// (auth.ValidateCertificates), ErrNotFound or ErrNotPending.
func (s *Service) Approve(ctx context.Context, id int64, actor auth.Actor) error {
	if err := actor.Require(auth.ValidateCertificates); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		o, err := s.lockPending(ctx, q, id)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		plan := now.AddDate(o.Years, 0, 0)
		o.PlanEndsAt = &plan
		csr, err := ParseCSR("csr", []byte(o.CSRPEM))
		if err != nil {
			return err
		}
		c, err := s.issue(ctx, q, o, csr.PublicKey, now)
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE certificate_orders SET status = 'issued', decided_at = $2, decided_by = $3, plan_ends_at = $4
			WHERE id = $1`, id, now, postgres.NullID(actor.UserID()), plan); err != nil {
			return err
		}
		e := actor.Entry().In(o.PartnerID).Of(now, audit.CertificateIssued, "certificate_order", id)
		e.Details = map[string]any{"serial": c.Serial, "common_name": o.CommonName, "not_after": c.NotAfter,
			"voucher_code_id": o.VoucherCodeID}
		if err := audit.Record(ctx, q, e); err != nil {
			return err
		}
		return s.notify(ctx, q, o, "certificate.mail_issued", map[string]any{"NotAfter": c.NotAfter, "PlanEnds": plan}, now)
	})
}

// issue has the CA sign o's names for key, valid from now to the earlier
// of the plan's end and the schedule's cap, and stores the certificate.
func (s *Service) issue(ctx context.Context, q postgres.Querier, o Order, key crypto.PublicKey, now time.Time) (Certificate, error) {
	end := ca.MaxNotAfter(now)
	if o.PlanEndsAt != nil && o.PlanEndsAt.Before(end) {
		end = *o.PlanEndsAt
	}
	got, err := s.CA.Issue(ca.Request{PublicKey: key, CommonName: o.CommonName, DNSNames: o.Names,
		Organization: o.Org.Name, Locality: o.Org.Locality, Province: o.Org.Province, Country: o.Org.Country,
		NotBefore: now, NotAfter: end})
	if err != nil {
		return Certificate{}, err
	}
	c := Certificate{Serial: got.SerialHex, DER: got.DER, NotBefore: got.NotBefore, NotAfter: got.NotAfter, IssuedAt: now}
	err = q.QueryRow(ctx, `INSERT INTO certificates (order_id, serial, der, not_before, not_after, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, o.ID, c.Serial, c.DER, c.NotBefore, c.NotAfter, now).Scan(&c.ID)
	return c, err
}

// Reject refuses pending order id with reason (C-3): the voucher code
// becomes Active again (a direct order's charge is credited back), the
// requester is emailed the reason. It returns the actor's refusal,
// valid.Errors for a missing or long reason, ErrNotFound or ErrNotPending.
func (s *Service) Reject(ctx context.Context, id int64, reason string, actor auth.Actor) error {
	if err := actor.Require(auth.ValidateCertificates); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	e := valid.Errors{}
	e.Text("reason", reason, MaxReasonLen)
	if err := e.Err(); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		o, err := s.lockPending(ctx, q, id)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if _, err := q.Exec(ctx, `UPDATE certificate_orders SET status = 'rejected', decided_at = $2, decided_by = $3, reject_reason = $4
			WHERE id = $1`, id, now, postgres.NullID(actor.UserID()), reason); err != nil {
			return err
		}
		if err := s.giveBack(ctx, q, o, now, actor.UserID()); err != nil {
			return err
		}
		a := actor.Entry().In(o.PartnerID).Of(now, audit.CertificateRejected, "certificate_order", id)
		a.Details = map[string]any{"reason": reason, "voucher_code_id": o.VoucherCodeID}
		if err := audit.Record(ctx, q, a); err != nil {
			return err
		}
		mail := "certificate.mail_rejected"
		if o.Direct() {
			mail = "certificate.mail_rejected_direct"
		}
		return s.notify(ctx, q, o, mail, map[string]any{"Reason": reason}, now)
	})
}

// lockPending locks order id and returns it if it waits for validation.
func (s *Service) lockPending(ctx context.Context, q postgres.Querier, id int64) (Order, error) {
	o, err := lockOrder(ctx, q, `o.id = $1`, id)
	if err == nil && o.Status != Pending {
		err = ErrNotPending
	}
	return o, err
}

// giveBack returns what an order took: its voucher code becomes Active
// again, or a direct order's price is credited to the balance.
func (s *Service) giveBack(ctx context.Context, q postgres.Querier, o Order, now time.Time, by int64) error {
	if !o.Direct() {
		return s.Vouchers.Reactivate(ctx, q, o.VoucherCodeID)
	}
	_, err := s.Ledger.Credit(ctx, q, ledger.Entry{PartnerID: o.PartnerID, GroupID: o.GroupID, At: now, Kind: ledger.CertificateCredit,
		Amount: o.Price, CertificateOrderID: o.ID, CreatedBy: by})
	return err
}
