package quote

import (
	"context"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/voucher"
)

// OrderPlan is what ordering a quote's vouchers will charge now: the
// quote's lines priced by the contract in force. While the quote's
// contract version is still in force, that is the quote's frozen prices
// (versions never change); otherwise today's prices, and Repriced says so.
type OrderPlan struct {
	Quote    Quote
	Priced   voucher.Priced
	Repriced bool
}

// Plan prices the vouchers of quote id of partnerID for ordering now:
// ErrNotOrderable unless it is a Saved, unexpired product quote.
func (s *Service) Plan(ctx context.Context, partnerID, id int64) (OrderPlan, error) {
	qt, err := s.Get(ctx, partnerID, id)
	if err != nil {
		return OrderPlan{}, err
	}
	if !qt.Orderable(s.Clock.Now()) {
		return OrderPlan{Quote: qt}, ErrNotOrderable
	}
	priced, err := s.Vouchers.Price(ctx, partnerID, voucher.Input{Lines: qt.LineInputs()})
	return OrderPlan{Quote: qt, Priced: priced, Repriced: priced.Version.ID != qt.ContractVersionID}, err
}

// Order places the vouchers of quote id as one voucher order ("Order these
// vouchers"): the quote's group and lines, with in's customer, memo and
// idempotency key, charged as Plan says; the quote becomes Ordered and
// links to the order in the same transaction, so that a quote is ordered
// once (a second attempt gets ErrNotOrderable and places nothing; a double
// submit of one form returns the first order). It returns the order's id.
func (s *Service) Order(ctx context.Context, partnerID, id int64, in voucher.Input, actor auth.Actor) (int64, error) {
	if err := actor.RequirePartner(auth.MakeQuotes, partnerID); err != nil {
		return 0, err
	}
	if orderID, err := s.Vouchers.OrderByKey(ctx, partnerID, in.IdempotencyKey); err != nil || orderID != 0 {
		return orderID, err // a repeated submit of the same form
	}
	qt, err := s.Get(ctx, partnerID, id)
	if err != nil {
		return 0, err
	}
	if !qt.Orderable(s.Clock.Now()) {
		return 0, ErrNotOrderable
	}
	in.GroupID, in.Lines = qt.GroupID, qt.LineInputs()
	orderID, _, err := s.Vouchers.CreateWith(ctx, partnerID, in, actor, func(q postgres.Querier, orderID int64) error {
		return s.With(q).MarkOrdered(ctx, q, partnerID, id, orderID, actor)
	})
	return orderID, err
}
