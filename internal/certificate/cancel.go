package certificate

import (
	"context"
	"net/netip"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/subscriber"
)

// CancelBySubscriber cancels sub's order id (C-4); another end user's
// order is ErrNotFound.
func (s *Service) CancelBySubscriber(ctx context.Context, sub subscriber.Subscriber, id int64, ip netip.Addr) (Cancellation, error) {
	who := sub.Entry(ip)
	return s.cancel(ctx, who, 0, `o.id = $1 AND o.subscriber_id = $2`, id, sub.ID)
}

// CancelByPartner cancels order id of partnerID (C-4) for partner staff:
// the orders redeemed from its codes and its direct orders. It returns the
// actor's refusal (auth.OrderCertificates for partnerID) first.
func (s *Service) CancelByPartner(ctx context.Context, partnerID, id int64, actor auth.Actor) (Cancellation, error) {
	if err := actor.RequirePartner(auth.OrderCertificates, partnerID); err != nil {
		return Cancellation{}, err
	}
	return s.cancel(ctx, actor.Entry(), actor.UserID(), `o.id = $1 AND o.partner_id = $2`, id, partnerID)
}

// Cancellation is what a cancellation did.
type Cancellation struct {
	Revoked     []string // serials revoked
	GivenBack   bool     // the voucher is Active again, or the price credited
	WithinLimit bool     // cancelled within ReactivationWindow of the first issuance (or before it)
	Direct      bool     // a direct order (credited), not a voucher's (reactivated)
	Issued      bool     // a certificate had been issued
}

// MessageID is the message that tells the canceller what happened.
func (c Cancellation) MessageID() string { return "certificate.cancelled_" + c.outcome() }

// ConfirmID is the message that asks before a cancellation, saying what
// it will do.
func (c Cancellation) ConfirmID() string { return "certificate.confirm_" + c.outcome() }

// outcome names what the cancellation does: before issuance or not, a
// voucher's or a direct order, given back or not.
func (c Cancellation) outcome() string {
	switch {
	case !c.Issued && c.Direct:
		return "pending_direct"
	case !c.Issued:
		return "pending"
	case c.GivenBack && c.Direct:
		return "credited"
	case c.GivenBack:
		return "given_back"
	case c.Direct:
		return "not_credited"
	default:
		return "kept"
	}
}

// Preview is what cancelling o at now would do (its Revoked left empty).
func (o Order) Preview(now time.Time) Cancellation {
	within := o.Status == Pending || !now.After(o.FirstIssuedAt().Add(ReactivationWindow))
	return Cancellation{WithinLimit: within, GivenBack: within, Direct: o.Direct(), Issued: o.Status == Issued}
}

// cancel cancels the order matched by where (C-4) in one transaction:
// every certificate still valid is revoked (it appears on the CRL); the
// voucher is reactivated with its original expiry, or a direct order's
// price credited, when nothing was issued yet or the first certificate is
// at most ReactivationWindow old; after that the code stays Used. It
// returns ErrNotFound or ErrNotCancellable.
func (s *Service) cancel(ctx context.Context, who audit.Entry, by int64, where string, args ...any) (Cancellation, error) {
	var done Cancellation
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		o, err := lockOrder(ctx, q, where, args...)
		if err != nil {
			return err
		}
		if !o.CanCancel() {
			return ErrNotCancellable
		}
		now := s.Clock.Now()
		done = o.Preview(now)
		done.GivenBack = false // set once given back
		if done.Revoked, err = revoke(ctx, q, o.ID, now); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE certificate_orders SET status = 'cancelled', cancelled_at = $2 WHERE id = $1`, o.ID, now); err != nil {
			return err
		}
		if done.WithinLimit {
			if err := s.giveBack(ctx, q, o, now, by); err != nil {
				return err
			}
			done.GivenBack = true
		}
		e := who.In(o.PartnerID).Of(now, audit.CertificateCancelled, "certificate_order", o.ID)
		e.Details = map[string]any{"revoked": done.Revoked, "given_back": done.GivenBack, "voucher_code_id": o.VoucherCodeID}
		return audit.Record(ctx, q, e)
	})
	return done, err
}

// revoke revokes the order's certificates at at (now, or later for the
// ones a reissue replaces) unless they are revoked by then already, and
// returns their serials.
func revoke(ctx context.Context, q postgres.Querier, orderID int64, at time.Time) ([]string, error) {
	rows, err := q.Query(ctx, `UPDATE certificates SET revoked_at = $2
		WHERE order_id = $1 AND (revoked_at IS NULL OR revoked_at > $2) RETURNING serial`, orderID, at)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	serials := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		serials = append(serials, s)
	}
	return serials, rows.Err()
}
