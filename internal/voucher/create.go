package voucher

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Service places and changes voucher orders.
type Service struct {
	DB        postgres.DB
	Clock     clock.Clock
	Catalog   *catalog.Store
	Contracts *contract.Store
	Accounts  *account.Store
	Ledger    *ledger.Store
	Issuer    *issuer.Store
	I18n      *i18n.Bundle
	BaseURL   string
}

// With returns the service with every store it holds bound to q (the
// caller's transaction).
func (s *Service) With(q postgres.Querier) *Service {
	return postgres.Rebind(s, q)
}

// Priced is an order's lines priced from the contract in force.
type Priced struct {
	Version contract.Version
	Lines   []Line
	Total   money.Yen
}

// Price prices in's lines from partnerID's contract in force now. It
// returns valid.Errors for lines the contract or the product does not
// allow, and ErrNoContract without an active contract.
func (s *Service) Price(ctx context.Context, partnerID int64, in Input) (Priced, error) {
	v, err := s.activeVersion(ctx, partnerID)
	if err != nil {
		return Priced{}, err
	}
	products, err := s.Catalog.List(ctx)
	if err != nil {
		return Priced{}, err
	}
	p := Priced{Version: v}
	e := valid.Errors{}
	for i, l := range in.Lines {
		line, ok := priceLine(e, i, l, v, products)
		if ok {
			p.Lines = append(p.Lines, line)
			p.Total += line.Amount
		}
	}
	return p, e.Err()
}

func priceLine(e valid.Errors, i int, l LineInput, v contract.Version, products []catalog.Product) (Line, bool) {
	var prod catalog.Product
	for _, p := range products {
		if p.ID == l.ProductID && p.Active {
			prod = p
		}
	}
	entry, ok := v.Entry(l.ProductID, l.Years)
	if prod.ID == 0 || !ok {
		e.Add(LinePath(i, "product"), "voucher.not_in_contract")
		return Line{}, false
	}
	if l.ShipToken && !prod.ShipsToken {
		e.Add(LinePath(i, "ship_token"), "voucher.no_token")
		return Line{}, false
	}
	amount, err := contract.LinePrice(entry.Prices, contract.Names{FQDNs: prod.TakesFQDNs, Wildcards: prod.TakesWildcards}, l.Quantity, l.FQDNs, l.Wildcards)
	if err != nil {
		field, id := nameProblem(err)
		e.Add(LinePath(i, field), id, map[string]any{"Max": contract.MaxNames})
		return Line{}, false
	}
	return Line{No: i + 1, Product: prod, Years: l.Years, FQDNs: l.FQDNs, Wildcards: l.Wildcards, Quantity: l.Quantity,
		ShipToken: l.ShipToken, UnitPrice: amount / money.Yen(l.Quantity), Amount: amount}, true
}

// nameProblem maps the unit-price rule's refusals to a field and a message.
func nameProblem(err error) (field, messageID string) {
	switch {
	case errors.Is(err, contract.ErrNoNames):
		return "fqdns", "voucher.needs_a_name"
	case errors.Is(err, contract.ErrTooManyNames):
		return "fqdns", "voucher.too_many_names"
	case errors.Is(err, contract.ErrNamesNotTaken):
		return "fqdns", "voucher.takes_no_names"
	case errors.Is(err, contract.ErrNoWildcards):
		return "wildcards", "voucher.takes_no_wildcards"
	}
	return "quantity", "form.int_range"
}

// Create places the order: the credit check and charge, the order, its
// lines and codes, the audit entry and the delivery email commit in one
// transaction. A repeated idempotency key returns the first order with
// created false. Refusals: the actor's (auth.OrderVouchers for partnerID),
// valid.Errors, *Refusal (ErrNoContract, ErrBillingIncomplete,
// ErrPaymentNotBalance, insufficient funds).
func (s *Service) Create(ctx context.Context, partnerID int64, in Input, actor auth.Actor) (id int64, created bool, err error) {
	return s.CreateWith(ctx, partnerID, in, actor, nil)
}

// Then is work that belongs to a new order's transaction: it runs in q once
// the order is placed, and its error rolls the order back (a quote marked
// Ordered by the order placed from it).
type Then func(q postgres.Querier, orderID int64) error

// CreateWith is Create with then run in the order's transaction after the
// order is placed (not when the idempotency key finds an earlier order).
func (s *Service) CreateWith(ctx context.Context, partnerID int64, in Input, actor auth.Actor, then Then) (id int64, created bool, err error) {
	if err := actor.RequirePartner(auth.OrderVouchers, partnerID); err != nil {
		return 0, false, err
	}
	if e := in.Validate(); len(e) > 0 {
		return 0, false, e
	}
	err = postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if err := ledger.LockPartner(ctx, q, partnerID); err != nil {
			return err
		}
		var err error
		if id, err = existingOrder(ctx, q, partnerID, in.IdempotencyKey); err != nil || id != 0 {
			return err
		}
		id, err = s.With(q).place(ctx, q, partnerID, in, actor.Entry().In(partnerID))
		if err == nil && then != nil {
			err = then(q, id)
		}
		created = err == nil
		return err
	})
	if postgres.IsUniqueViolation(err, "voucher_orders_partner_id_idempotency_key_key") {
		id, err = existingOrder(ctx, s.DB, partnerID, in.IdempotencyKey)
		return id, false, err
	}
	return id, created, err
}

// OrderByKey returns the id of partnerID's order placed with idempotency
// key, or 0: the first answer to a repeated submit.
func (s *Service) OrderByKey(ctx context.Context, partnerID int64, key string) (int64, error) {
	return existingOrder(ctx, s.DB, partnerID, key)
}

// existingOrder returns the id of partnerID's order placed with key, or 0.
func existingOrder(ctx context.Context, q postgres.Querier, partnerID int64, key string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM voucher_orders WHERE partner_id = $1 AND idempotency_key = $2`, partnerID, key).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// place does the work of Create inside its transaction; actor is the
// audit entry's "who".
func (s *Service) place(ctx context.Context, q postgres.Querier, partnerID int64, in Input, actor audit.Entry) (int64, error) {
	priced, err := s.Price(ctx, partnerID, in)
	if err != nil {
		return 0, err
	}
	if err := s.CheckAccount(ctx, q, partnerID, in.GroupID); err != nil {
		return 0, err
	}
	// Refused before the order is inserted, so that a refusal takes no
	// order number.
	if err := s.CheckFunds(ctx, q, partnerID, priced.Total); err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	id, err := insertOrder(ctx, q, partnerID, in, priced, actor, now)
	if err != nil {
		return 0, err
	}
	if _, err := s.Ledger.Charge(ctx, q, ledger.Entry{PartnerID: partnerID, GroupID: in.GroupID, At: now,
		Kind: ledger.VoucherCharge, Amount: -priced.Total, VoucherOrderID: id, CreatedBy: actor.ActorUserID}); err != nil {
		return 0, err
	}
	if err := insertLinesAndCodes(ctx, q, id, partnerID, priced.Lines, now); err != nil {
		return 0, err
	}
	if err := s.notifyDelivery(ctx, q, id, partnerID, priced, now); err != nil {
		return 0, err
	}
	actor = actor.Of(now, audit.VoucherOrderCreated, "voucher_order", id)
	actor.Details = map[string]any{"total": priced.Total, "codes": codeCount(priced.Lines), "customer": in.Customer}
	return id, audit.Record(ctx, q, actor)
}

// CheckFunds is the credit check of a purchase of total for partnerID in
// q's transaction (it takes the partner lock): a Refusal that names the
// total and the available funds when they do not cover it.
func (s *Service) CheckFunds(ctx context.Context, q postgres.Querier, partnerID int64, total money.Yen) error {
	f, err := s.Ledger.CheckFunds(ctx, q, partnerID, total)
	if errors.Is(err, ledger.ErrInsufficientFunds) {
		return &Refusal{MessageID: "voucher.insufficient_funds", Data: map[string]any{"Total": total.String(), "Available": f.Available.String()}}
	}
	return err
}

// CheckAccount refuses an order when the account is not ready to order
// (account.Readiness: the rule the order page and the dashboard show) or
// the management group is not the partner's active one.
func (s *Service) CheckAccount(ctx context.Context, q postgres.Querier, partnerID, groupID int64) error {
	ready, err := s.Accounts.Readiness(ctx, partnerID)
	switch {
	case err != nil:
		return err
	case !ready.BillingComplete:
		return ErrBillingIncomplete
	case !ready.BalancePayment:
		return ErrPaymentNotBalance
	}
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

func insertOrder(ctx context.Context, q postgres.Querier, partnerID int64, in Input, p Priced, actor audit.Entry, now time.Time) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `
		INSERT INTO voucher_orders (partner_id, group_id, contract_version_id, created_at, order_date, expires_on,
		       customer, memo, total, tax_rate, created_by, on_behalf, idempotency_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		partnerID, in.GroupID, p.Version.ID, now, clock.Date(now), ExpiresOn(now), in.Customer, in.Memo,
		p.Total, p.Version.TaxRate, actor.ActorUserID, actor.ActingForPartnerID != 0, in.IdempotencyKey).Scan(&id)
	return id, err
}

// insertLinesAndCodes writes the lines and one new code per unit (COPY).
func insertLinesAndCodes(ctx context.Context, q postgres.Querier, orderID, partnerID int64, lines []Line, now time.Time) error {
	var codes [][]any
	for _, l := range lines {
		if _, err := q.Exec(ctx, `
			INSERT INTO voucher_order_lines (order_id, line_no, product_id, years, fqdns, wildcards, quantity, ship_token, unit_price, amount)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			orderID, l.No, l.Product.ID, l.Years, l.FQDNs, l.Wildcards, l.Quantity, l.ShipToken, l.UnitPrice, l.Amount); err != nil {
			return err
		}
		for range l.Quantity {
			c, err := NewCode()
			if err != nil {
				return err
			}
			codes = append(codes, []any{orderID, l.No, partnerID, c, now})
		}
	}
	_, err := q.CopyFrom(ctx, pgx.Identifier{"voucher_codes"}, []string{"order_id", "line_no", "partner_id", "code", "created_at"}, pgx.CopyFromRows(codes))
	return err
}

func codeCount(lines []Line) int {
	n := 0
	for _, l := range lines {
		n += l.Quantity
	}
	return n
}

// notifyDelivery emails the billing contact that the vouchers were delivered (V-8).
func (s *Service) notifyDelivery(ctx context.Context, q postgres.Querier, orderID, partnerID int64, p Priced, now time.Time) error {
	c, _, err := s.Accounts.BillingContact(ctx, partnerID)
	if err != nil {
		return err
	}
	lang, err := s.Accounts.PartnerLanguage(ctx, q, partnerID)
	if err != nil {
		return err
	}
	l := s.I18n.Localizer(lang)
	var items []string
	for _, line := range p.Lines {
		items = append(items, fmt.Sprintf("- %s × %d (%s)", line.Product.Name(lang), line.Quantity, l.T("voucher.years_n", map[string]any{"Years": line.Years})))
	}
	data := map[string]any{"Name": c.Name, "OrderID": orderID, "Items": strings.Join(items, "\n"), "Total": l.Yen(p.Total),
		"Link": fmt.Sprintf("%s/finance/vouchers/%d", s.BaseURL, orderID), "Expires": l.Date(ExpiresOn(now))}
	return mail.Enqueue(ctx, q, now, mail.Translated(l, c.Emails, "mail.delivered", data))
}

// Offer is a product and validity the partner's contract offers now.
type Offer struct {
	Product catalog.Product
	Years   int
	Prices  contract.Prices
}

// Offer lists what partnerID may order now, in catalogue order, or
// ErrNoContract.
func (s *Service) Offer(ctx context.Context, partnerID int64) ([]Offer, error) {
	v, err := s.activeVersion(ctx, partnerID)
	if err != nil {
		return nil, err
	}
	products, err := s.Catalog.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []Offer
	for _, p := range products {
		for _, e := range v.Entries {
			if e.ProductID == p.ID && p.Active {
				out = append(out, Offer{Product: p, Years: e.Years, Prices: e.Prices})
			}
		}
	}
	return out, nil
}

// activeVersion is the contract version in force today, if its period
// includes today; otherwise ErrNoContract.
func (s *Service) activeVersion(ctx context.Context, partnerID int64) (contract.Version, error) {
	now := s.Clock.Now()
	v, err := s.Contracts.InForce(ctx, partnerID, now)
	if errors.Is(err, contract.ErrNoContract) || (err == nil && !v.ActiveOn(now)) {
		return v, ErrNoContract
	}
	return v, err
}
