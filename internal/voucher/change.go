package voucher

import (
	"context"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Cancel cancels order id of partnerID (V-6): the order and its
// codes become Cancelled and the balance is credited with the order's
// total, in one transaction with the audit entry. It returns
// the actor's refusal (auth.ChangeVouchers for partnerID), ErrOrderNotFound
// or ErrNotCancellable (after 30 days, a code not Active, or already
// cancelled) and then changes nothing.
func (s *Service) Cancel(ctx context.Context, partnerID, id int64, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ChangeVouchers, partnerID); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if err := ledger.LockPartner(ctx, q, partnerID); err != nil {
			return err
		}
		o, err := getOrder(ctx, q, partnerID, id)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if !o.CanCancel(now) {
			return ErrNotCancellable
		}
		if _, err := q.Exec(ctx, `UPDATE voucher_orders SET status = 'cancelled', cancelled_at = $2 WHERE id = $1`, id, now); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE voucher_codes SET status = 'cancelled' WHERE order_id = $1 AND status = 'active'`, id); err != nil {
			return err
		}
		if _, err := s.Ledger.Credit(ctx, q, ledger.Entry{PartnerID: o.PartnerID, GroupID: o.GroupID, At: now,
			Kind: ledger.CancellationCredit, Amount: o.Total, VoucherOrderID: id, CreatedBy: actor.UserID()}); err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(now, audit.VoucherOrderCancelled, "voucher_order", id)
		e.Details = map[string]any{"total": o.Total, "created_at": o.CreatedAt}
		return audit.Record(ctx, q, e)
	})
}

// Reissue replaces code id of partnerID with a new code of the
// same order line and expiry (V-7); the old code stops working at once and
// disappears from lists and search. It returns the new code's id, or
// the actor's refusal (auth.ChangeVouchers for partnerID), ErrCodeNotFound
// or ErrNotReissuable (not Active, or expired).
func (s *Service) Reissue(ctx context.Context, partnerID, id int64, actor auth.Actor) (int64, error) {
	if err := actor.RequirePartner(auth.ChangeVouchers, partnerID); err != nil {
		return 0, err
	}
	var newID int64
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		// Lock the code whatever its status: a reissue that lost a race then
		// finds it reissued (ErrNotReissuable), not missing.
		old, err := oneCode(ctx, q, `c.partner_id = $1 AND c.id = $2 FOR UPDATE OF c`, partnerID, id)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if old.Shown(now) != CodeActive {
			return ErrNotReissuable
		}
		code, err := NewCode()
		if err != nil {
			return err
		}
		if err := q.QueryRow(ctx, `
			INSERT INTO voucher_codes (order_id, line_no, partner_id, code, replaces, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, old.OrderID, old.LineNo, partnerID, code, old.ID, now).Scan(&newID); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE voucher_codes SET status = 'reissued' WHERE id = $1`, old.ID); err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(now, audit.VoucherCodeReissued, "voucher_code", old.ID)
		// The old code in full: it no longer works or appears anywhere
		// else, and this entry is how the reissue is traced (V-7). The new
		// code works: it is named by its id and masked, as lists show it.
		e.Details = map[string]any{"order_id": old.OrderID, "old_code": old.Code, "new_code_id": newID, "new_code": Mask(code)}
		return audit.Record(ctx, q, e)
	})
	return newID, err
}

// Use marks code id Used at at, through q, whatever its product (the
// tests' way to use a code; a certificate request redeems it by value with
// Redeem). It returns ErrCodeNotFound or ErrCodeNotUsable (not Active,
// expired, or its order cancelled).
func (s *Service) Use(ctx context.Context, q postgres.Querier, id int64, at time.Time) error {
	c, err := oneCode(ctx, q, `c.id = $1 AND c.status <> 'reissued' FOR UPDATE OF c`, id)
	if err != nil {
		return err
	}
	if c.Shown(at) != CodeActive {
		return ErrCodeNotUsable
	}
	return markUsed(ctx, q, id, at)
}

// markUsed records code id as Used at at (its row locked and checked by
// the caller).
func markUsed(ctx context.Context, q postgres.Querier, id int64, at time.Time) error {
	_, err := q.Exec(ctx, `UPDATE voucher_codes SET status = 'used', used_at = $2 WHERE id = $1`, id, at)
	return err
}

// Reactivate returns a Used code to Active (a certificate request rejected
// before issuance, or cancelled in time), keeping its original expiry. It
// returns ErrCodeNotFound or ErrCodeNotReactivable.
func (s *Service) Reactivate(ctx context.Context, q postgres.Querier, id int64) error {
	tag, err := q.Exec(ctx, `UPDATE voucher_codes SET status = 'active', used_at = NULL WHERE id = $1 AND status = 'used'`, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		if _, err := oneCode(ctx, q, `c.id = $1`, id); err != nil {
			return err
		}
		return ErrCodeNotReactivable
	}
	return nil
}
