package quote

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
)

// Service saves, reads, prints, sends and deletes quotes.
type Service struct {
	DB    postgres.DB
	Clock clock.Clock
	// Vouchers prices a quote's lines: a quote prices exactly as the
	// voucher order of the same lines (Price, the one rule).
	Vouchers *voucher.Service
	Accounts *account.Store
	Issuer   *issuer.Store
	I18n     *i18n.Bundle
}

// With returns the service with every store it holds bound to q (the
// caller's transaction).
func (s *Service) With(q postgres.Querier) *Service {
	return postgres.Rebind(s, q)
}

// Priced is a quote's amounts as they would be saved now.
type Priced struct {
	ContractVersionID int64
	TaxRate           int
	Lines             []voucher.Line // a product quote's lines, priced
	Subtotal          money.Yen      // tax exclusive
	Tax               money.Yen      // money.Tax of the subtotal: rounded down once
	Total             money.Yen
}

// Price prices in from partnerID's contract in force now: a product
// quote's lines by voucher.Service.Price, the rule of voucher orders, so
// that the quote and the order of the same lines cost the same; an account
// credit quote is its amount. The tax is that of the whole subtotal,
// rounded down once. It returns valid.Errors for lines the contract or the
// product does not allow, and ErrNoContract without an active contract.
func (s *Service) Price(ctx context.Context, partnerID int64, in Input) (Priced, error) {
	var order voucher.Input // no lines: the contract in force only
	if in.Kind == KindProduct {
		order.Lines = in.Lines
	}
	p, err := s.Vouchers.Price(ctx, partnerID, order)
	if errors.Is(err, voucher.ErrNoContract) {
		return Priced{}, ErrNoContract
	}
	if err != nil {
		return Priced{}, err
	}
	out := Priced{ContractVersionID: p.Version.ID, TaxRate: p.Version.TaxRate, Lines: p.Lines, Subtotal: p.Total}
	if in.Kind == KindCredit {
		out.Lines, out.Subtotal = nil, in.Credit
	}
	out.Tax = money.Tax(out.Subtotal, out.TaxRate)
	out.Total = out.Subtotal + out.Tax
	return out, nil
}

// Save prices in (Price) and saves it as a new quote of partnerID with
// the next quote number, its lines at their unit prices, and the audit
// entry, in one transaction. A repeated idempotency key returns the quote
// first saved with it. Refusals: the actor's (auth.MakeQuotes for
// partnerID), valid.Errors, ErrNoContract.
func (s *Service) Save(ctx context.Context, partnerID int64, in Input, actor auth.Actor) (int64, error) {
	if err := actor.RequirePartner(auth.MakeQuotes, partnerID); err != nil {
		return 0, err
	}
	if e := in.Validate(); len(e) > 0 {
		return 0, e
	}
	var id int64
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var err error
		if id, err = existingQuote(ctx, q, partnerID, in.IdempotencyKey); err != nil || id != 0 {
			return err
		}
		id, err = s.With(q).save(ctx, q, partnerID, in, actor)
		return err
	})
	if postgres.IsUniqueViolation(err, "quotes_partner_id_idempotency_key_key") {
		return existingQuote(ctx, s.DB, partnerID, in.IdempotencyKey)
	}
	return id, err
}

// save does the work of Save inside its transaction. The number is taken
// last, so that the series' row is locked for as short a time as possible.
func (s *Service) save(ctx context.Context, q postgres.Querier, partnerID int64, in Input, actor auth.Actor) (int64, error) {
	p, err := s.Price(ctx, partnerID, in)
	if err != nil {
		return 0, err
	}
	if err := checkGroup(ctx, q, partnerID, in.GroupID); err != nil {
		return 0, err
	}
	number, err := nextNumber(ctx, q)
	if err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	id, err := insertQuote(ctx, q, number, partnerID, in, p, actor, now)
	if err != nil {
		return 0, err
	}
	if err := insertLines(ctx, q, id, p.Lines); err != nil {
		return 0, err
	}
	e := actor.Entry().In(partnerID).Of(now, audit.QuoteSaved, "quote", id)
	e.Details = map[string]any{"number": number, "kind": in.Kind, "subtotal": p.Subtotal, "total": p.Total,
		"contract_version_id": p.ContractVersionID}
	return id, audit.Record(ctx, q, e)
}

// existingQuote returns the id of partnerID's quote saved with key, or 0.
func existingQuote(ctx context.Context, q postgres.Querier, partnerID int64, key string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM quotes WHERE partner_id = $1 AND idempotency_key = $2`, partnerID, key).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// checkGroup refuses a management group that is not partnerID's active one.
func checkGroup(ctx context.Context, q postgres.Querier, partnerID, groupID int64) error {
	var ok bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM management_groups WHERE id = $1 AND partner_id = $2 AND active)`,
		groupID, partnerID).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return valid.Errors{"group_id": {ID: "form.choose"}}
	}
	return nil
}

// nextNumber takes the next quote number inside q's transaction: the
// series' row stays locked until the transaction ends and a rollback gives
// the number back, so that numbers have no gaps (a sequence would).
func nextNumber(ctx context.Context, q postgres.Querier) (string, error) {
	var n int64
	if err := q.QueryRow(ctx, `UPDATE quote_numbers SET last = last + 1 WHERE series = 'quote' RETURNING last`).Scan(&n); err != nil {
		return "", fmt.Errorf("quote: number: %w", err)
	}
	return fmt.Sprintf("Q%07d", n), nil
}

func insertQuote(ctx context.Context, q postgres.Querier, number string, partnerID int64, in Input, p Priced, actor auth.Actor,
	now time.Time) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `
		INSERT INTO quotes (number, partner_id, group_id, contract_version_id, kind, memo, subtotal, tax_rate, tax, total,
		       saved_at, saved_on, expires_on, created_by, on_behalf, idempotency_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		number, partnerID, in.GroupID, p.ContractVersionID, in.Kind, in.Memo, p.Subtotal, p.TaxRate, p.Tax, p.Total,
		now, clock.Date(now), ExpiresOn(now), actor.UserID(), actor.OnBehalf(), in.IdempotencyKey).Scan(&id)
	return id, err
}

// insertLines writes the priced lines with their unit prices and the
// product names as they are now: the quote prints them as saved.
func insertLines(ctx context.Context, q postgres.Querier, quoteID int64, lines []voucher.Line) error {
	for _, l := range lines {
		if _, err := q.Exec(ctx, `
			INSERT INTO quote_lines (quote_id, line_no, product_id, product_name_ja, product_name_en, years, fqdns, wildcards,
			       quantity, ship_token, unit_price, amount)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			quoteID, l.No, l.Product.ID, l.Product.NameJA, l.Product.NameEN, l.Years, l.FQDNs, l.Wildcards,
			l.Quantity, l.ShipToken, l.UnitPrice, l.Amount); err != nil {
			return err
		}
	}
	return nil
}

// Offer lists the products and validities partnerID's contract offers now,
// with their prices (voucher.Service.Offer: what a quote's lines may be),
// or ErrNoContract.
func (s *Service) Offer(ctx context.Context, partnerID int64) ([]voucher.Offer, error) {
	o, err := s.Vouchers.Offer(ctx, partnerID)
	if errors.Is(err, voucher.ErrNoContract) {
		return nil, ErrNoContract
	}
	return o, err
}
