package certificate

import (
	"context"
	"errors"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
)

// DirectInput is a partner's certificate order without a voucher (C-5).
type DirectInput struct {
	GroupID   int64
	ProductID int64
	Years     int
	Request   Request
	// IdempotencyKey is carried by the form: a double submit makes one
	// order (the second gets the first's id).
	IdempotencyKey string
}

// Direct places a direct certificate order for partnerID (C-5): the names
// of the request decide how many FQDNs and wildcards are bought, priced
// from the contract in force like a voucher line (O-6); in one
// transaction, under the same credit check as vouchers, the order is
// written pending validation and its price charged to the balance (a
// certificate charge, billed on the month's statement). It returns the
// actor's refusal (auth.OrderCertificates for partnerID), valid.Errors for
// the request, or the voucher domain's refusals of the account (no
// contract, billing incomplete, insufficient funds).
func (s *Service) Direct(ctx context.Context, partnerID int64, in DirectInput, actor auth.Actor) (int64, error) {
	if err := actor.RequirePartner(auth.OrderCertificates, partnerID); err != nil {
		return 0, err
	}
	if actor.UserID() == 0 {
		return 0, ErrNeedsUser
	}
	p, err := s.Catalog.Get(ctx, in.ProductID)
	if errors.Is(err, catalog.ErrNotFound) || in.ProductID == 0 {
		return 0, valid.Errors{"product": {ID: "form.choose"}}
	}
	if err != nil {
		return 0, err
	}
	req, err := in.Request.check(p, MaxNames, MaxNames) // the names decide what is bought
	if err != nil {
		return 0, err
	}
	line := voucher.LineInput{ProductID: p.ID, Years: in.Years, FQDNs: req.names.FQDNs, Wildcards: req.names.Wildcards, Quantity: 1}
	priced, err := s.Vouchers.Price(ctx, partnerID, voucher.Input{GroupID: in.GroupID, Lines: []voucher.LineInput{line}})
	if err != nil {
		return 0, directErrors(err)
	}
	if in.IdempotencyKey == "" || len(in.IdempotencyKey) > 100 {
		return 0, valid.Errors{"product": {ID: "voucher.reload_form"}}
	}
	var id int64
	err = postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if err := s.Vouchers.CheckAccount(ctx, q, partnerID, in.GroupID); err != nil {
			return err
		}
		if err := s.Vouchers.CheckFunds(ctx, q, partnerID, priced.Total); err != nil {
			return err
		}
		now := s.Clock.Now()
		o := newOrder{partnerID: partnerID, groupID: in.GroupID, requestedBy: actor.UserID(), productID: p.ID, years: in.Years,
			fqdns: req.names.FQDNs, wildcards: req.names.Wildcards, price: int64(priced.Total), taxRate: priced.Version.TaxRate, req: req,
			key: in.IdempotencyKey}
		if id, err = o.insert(ctx, q, now); err != nil {
			return err
		}
		if _, err := s.Ledger.Charge(ctx, q, ledger.Entry{PartnerID: partnerID, GroupID: in.GroupID, At: now, Kind: ledger.CertificateCharge,
			Amount: -priced.Total, CertificateOrderID: id, CreatedBy: actor.UserID()}); err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(now, audit.CertificateRequested, "certificate_order", id)
		e.Details = map[string]any{"direct": true, "price": priced.Total, "common_name": req.names.CommonName, "names": req.names.SANs}
		return audit.Record(ctx, q, e)
	})
	if postgres.IsUniqueViolation(err, "certificate_orders_partner_id_idempotency_key_key") {
		err = s.DB.QueryRow(ctx, `SELECT id FROM certificate_orders WHERE partner_id = $1 AND idempotency_key = $2`,
			partnerID, in.IdempotencyKey).Scan(&id)
	}
	return id, err
}

// directErrors maps the voucher line's field errors to the direct order
// form's fields (product, years; the name counts come from names).
func directErrors(err error) error {
	var e valid.Errors
	if !errors.As(err, &e) {
		return err
	}
	out := valid.Errors{}
	for field, p := range e {
		switch field {
		case voucher.LinePath(0, "wildcards"):
			out["names"] = valid.Problem{ID: "names.no_wildcards"} // the form has names, not a count to set to 0
		case voucher.LinePath(0, "fqdns"):
			out["names"] = p
		default:
			out["product"] = p
		}
	}
	return out
}
