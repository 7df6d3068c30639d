package ledger

import (
	"context"
	"errors"
	"strings"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Store reads the ledger and makes the changes that need the credit check.
type Store struct {
	DB        postgres.DB
	Clock     clock.Clock
	Contracts *contract.Store
	Accounts  *account.Store
	I18n      *i18n.Bundle
}

// With returns the store bound to q (the caller's transaction), with every
// store it holds bound too.
func (s *Store) With(q postgres.Querier) *Store {
	return postgres.Rebind(s, q)
}

// creditLimit is the limit of the contract in force now (0 without one).
func (s *Store) creditLimit(ctx context.Context, partnerID int64) (money.Yen, error) {
	v, err := s.Contracts.InForce(ctx, partnerID, s.Clock.Now())
	if errors.Is(err, contract.ErrNoContract) {
		return 0, nil
	}
	return v.CreditLimit, err
}

// Figures returns partnerID's four figures now.
func (s *Store) Figures(ctx context.Context, partnerID int64) (Figures, error) {
	limit, err := s.creditLimit(ctx, partnerID)
	if err != nil {
		return Figures{}, err
	}
	return Compute(ctx, s.DB, partnerID, limit)
}

// History returns the balance history of partnerID.
func (s *Store) History(ctx context.Context, partnerID int64, f Filter) ([]Entry, error) {
	return History(ctx, s.DB, partnerID, f)
}

// Charge is the credit check and the charge in one: inside q's transaction
// it locks the partner, refuses with ErrInsufficientFunds (and the figures)
// when amount exceeds total available funds, appends e, and emails the
// notification addresses when available funds cross the threshold.
func (s *Store) Charge(ctx context.Context, q postgres.Querier, e Entry) (Figures, error) {
	s, before, err := s.locked(ctx, q, e.PartnerID)
	if err != nil {
		return before, err
	}
	if -e.Amount > before.Available {
		return before, ErrInsufficientFunds
	}
	return s.appendAndNotify(ctx, q, e, before)
}

// CheckFunds refuses with ErrInsufficientFunds when charging amount would
// exceed partnerID's available funds. It takes the partner lock in q's
// transaction and writes nothing, so that a purchase can be refused before
// it takes an order number; it returns the figures it checked against.
func (s *Store) CheckFunds(ctx context.Context, q postgres.Querier, partnerID int64, amount money.Yen) (Figures, error) {
	_, f, err := s.locked(ctx, q, partnerID)
	if err == nil && amount > f.Available {
		err = ErrInsufficientFunds
	}
	return f, err
}

// Credit appends a credit (or any entry without a credit check) in q's
// transaction, under the partner lock.
func (s *Store) Credit(ctx context.Context, q postgres.Querier, e Entry) (Figures, error) {
	s, before, err := s.locked(ctx, q, e.PartnerID)
	if err != nil {
		return before, err
	}
	return s.appendAndNotify(ctx, q, e, before)
}

// locked binds the store to q, takes the partner's lock and returns the
// figures as they stand under it.
func (s *Store) locked(ctx context.Context, q postgres.Querier, partnerID int64) (*Store, Figures, error) {
	s = s.With(q)
	if err := LockPartner(ctx, q, partnerID); err != nil {
		return s, Figures{}, err
	}
	limit, err := s.creditLimit(ctx, partnerID)
	if err != nil {
		return s, Figures{}, err
	}
	f, err := Compute(ctx, q, partnerID, limit)
	return s, f, err
}

func (s *Store) appendAndNotify(ctx context.Context, q postgres.Querier, e Entry, before Figures) (Figures, error) {
	if _, err := Append(ctx, q, e); err != nil {
		return before, err
	}
	after := before.after(e)
	return after, s.notifyCrossing(ctx, q, e.PartnerID, before.Available, after.Available)
}

// notifyCrossing sends one email when available funds go from at or above
// the threshold to below it (S-5).
func (s *Store) notifyCrossing(ctx context.Context, q postgres.Querier, partnerID int64, before, after money.Yen) error {
	n, err := s.Accounts.Notification(ctx, partnerID)
	if err != nil || n.Threshold == nil || len(n.Emails) == 0 || !(before >= *n.Threshold && after < *n.Threshold) {
		return err
	}
	p, err := s.Accounts.Partner(ctx, partnerID)
	if err != nil {
		return err
	}
	lang, err := s.Accounts.PartnerLanguage(ctx, q, partnerID)
	if err != nil {
		return err
	}
	l := s.I18n.Localizer(lang)
	data := map[string]any{"Partner": p.Name, "Available": l.Yen(after), "Threshold": l.Yen(*n.Threshold)}
	return mail.Enqueue(ctx, q, s.Clock.Now(), mail.Translated(l, n.Emails, "mail.balance_low", data))
}

// MaxAdjustment bounds a manual adjustment.
const MaxAdjustment money.Yen = 10_000_000_000

// Adjust records a manual adjustment by operator Finance (B-1): amount
// credits (positive) or charges (negative) the balance, with a reason. It
// returns the actor's refusal (auth.AdjustBalances), or valid.Errors for a
// zero or out-of-range amount or a missing reason.
func (s *Store) Adjust(ctx context.Context, partnerID int64, amount money.Yen, reason string, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.AdjustBalances, partnerID); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	e := valid.Errors{}
	if amount == 0 || amount > MaxAdjustment || amount < -MaxAdjustment {
		e.Add("amount", "ledger.adjustment_range", map[string]any{"Max": int64(MaxAdjustment)})
	}
	e.Text("reason", reason, 500)
	if len(e) > 0 {
		return e
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		// Stamped under the partner lock, so that the close (which takes it
		// too) never misses an entry of the month it closes.
		if err := LockPartner(ctx, q, partnerID); err != nil {
			return err
		}
		now := s.Clock.Now()
		entry := Entry{PartnerID: partnerID, At: now, Kind: Adjustment, Amount: amount, Reason: reason, CreatedBy: actor.UserID()}
		if _, err := s.Credit(ctx, q, entry); err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(now, audit.LedgerAdjusted, "partner", partnerID)
		e.Details = map[string]any{"amount": amount, "reason": reason}
		return audit.Record(ctx, q, e)
	})
}
