package account

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/postgres"
)

// ErrNoConsent means the partner has no proxy-access consent valid today.
var ErrNoConsent = fault.New(fault.Forbidden, "account: no valid proxy-access consent", "delivery.no_consent")

// DeliveryAccess is a partner as the delivery staff's list shows it.
type DeliveryAccess struct {
	Partner    Partner
	ValidUntil *time.Time // the latest valid-until of a consent valid today; nil: none
}

// DeliveryAccessList lists every partner with its consent valid today, if any.
func (s *Store) DeliveryAccessList(ctx context.Context) ([]DeliveryAccess, error) {
	today := clock.Date(s.Clock.Now()).Format(time.DateOnly)
	rows, err := s.DB.Query(ctx, `
		SELECT p.id, p.name, p.created_at,
		       proxy_consent_valid_until(p.id, $1)
		FROM partners p ORDER BY p.id`, today)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DeliveryAccess, error) {
		var a DeliveryAccess
		err := r.Scan(&a.Partner.ID, &a.Partner.Name, &a.Partner.CreatedAt, &a.ValidUntil)
		if a.ValidUntil != nil {
			d := clock.SameDay(*a.ValidUntil)
			a.ValidUntil = &d
		}
		return a, err
	})
}

// EnterPartner lets delivery staff (actor) work inside partnerID's account
// in the session with token. It returns the actor's refusal
// (auth.EnterPartnerAccount), or ErrNoConsent without a consent valid
// today, and writes nothing then.
func (s *Store) EnterPartner(ctx context.Context, token string, partnerID int64, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.EnterPartnerAccount, partnerID); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		var ok bool
		if err := q.QueryRow(ctx, `SELECT proxy_consent_valid_until($1, $2) IS NOT NULL`,
			partnerID, clock.Date(now).Format(time.DateOnly)).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNoConsent
		}
		if err := s.Auth.Sessions.ActFor(ctx, q, token, partnerID); err != nil {
			return err
		}
		return s.auditDelivery(ctx, q, actor, partnerID, audit.DeliveryEntered, now)
	})
}

// LeavePartner returns the session with token, working inside partnerID's
// account, to the operator console (auth.LeavePartnerAccount: the actor
// is delivery staff inside that account).
func (s *Store) LeavePartner(ctx context.Context, token string, partnerID int64, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.LeavePartnerAccount, partnerID); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if err := s.Auth.Sessions.ActFor(ctx, q, token, 0); err != nil {
			return err
		}
		return s.auditDelivery(ctx, q, actor, partnerID, audit.DeliveryLeft, s.Clock.Now())
	})
}

func (s *Store) auditDelivery(ctx context.Context, q postgres.Querier, actor auth.Actor, partnerID int64, action audit.Action, now time.Time) error {
	e := actor.Entry().In(partnerID).Of(now, action, "partner", partnerID)
	e.ActingForPartnerID = partnerID
	return audit.Record(ctx, q, e)
}
