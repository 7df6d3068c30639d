package account

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Payment methods (S-4).
const (
	MethodAccountBalance = "account_balance"
	MethodCreditCard     = "credit_card"
	MethodBankTransfer   = "bank_transfer"
)

// PaymentMethods lists the methods in display order.
var PaymentMethods = []string{MethodAccountBalance, MethodCreditCard, MethodBankTransfer}

// PaymentSettings are the allowed and default payment methods.
type PaymentSettings struct {
	Allowed []string
	Default string
}

// UsesAccountBalance reports whether purchases are billed to the account
// balance, as an OnGoing contract needs.
func (p PaymentSettings) UsesAccountBalance() bool {
	return p.Default == MethodAccountBalance && len(p.Allowed) == 1 && p.Allowed[0] == MethodAccountBalance
}

// ValidateOnGoing refuses anything but "account balance only": an OnGoing
// contract is billed monthly from the account balance.
func (p PaymentSettings) ValidateOnGoing() valid.Errors {
	e := valid.Errors{}
	if len(p.Allowed) == 0 {
		e.Add("allowed", "payment.choose_balance")
	}
	for _, m := range p.Allowed {
		if m != MethodAccountBalance {
			e.Add("allowed", "payment.ongoing_balance_only")
		}
	}
	if p.Default != MethodAccountBalance {
		e.Add("default", "payment.ongoing_balance_only")
	}
	return e
}

// PaymentSettings returns partnerID's settings (none allowed before they are set).
func (s *Store) PaymentSettings(ctx context.Context, partnerID int64) (PaymentSettings, error) {
	var p PaymentSettings
	err := s.DB.QueryRow(ctx, `SELECT allowed_methods, default_method FROM payment_settings WHERE partner_id = $1`, partnerID).
		Scan(&p.Allowed, &p.Default)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, nil
	}
	return p, err
}

// SavePaymentSettings stores p for partnerID after ValidateOnGoing
// (auth.ManageFinance).
func (s *Store) SavePaymentSettings(ctx context.Context, partnerID int64, p PaymentSettings, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ManageFinance, partnerID); err != nil {
		return err
	}
	if e := p.ValidateOnGoing(); len(e) > 0 {
		return e
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		if _, err := q.Exec(ctx, `
			INSERT INTO payment_settings (partner_id, allowed_methods, default_method, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (partner_id) DO UPDATE SET allowed_methods = $2, default_method = $3, updated_at = $4`,
			partnerID, p.Allowed, p.Default, now); err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(now, audit.PaymentSettingsSaved, "payment_settings", partnerID)
		e.Details = map[string]any{"allowed": p.Allowed, "default": p.Default}
		return audit.Record(ctx, q, e)
	})
}

// Readiness says what a partner's account still lacks before it can order
// vouchers: the order page and the dashboard show it, and placing an order
// refuses on the same rule.
type Readiness struct {
	BillingComplete bool // the billing contact holds what invoices need (S-2)
	BalancePayment  bool // payment is by the account balance (S-4)
}

// Ready reports whether nothing is missing.
func (r Readiness) Ready() bool { return r.BillingComplete && r.BalancePayment }

// Readiness tells what partnerID's account still lacks before ordering.
func (s *Store) Readiness(ctx context.Context, partnerID int64) (Readiness, error) {
	c, found, err := s.BillingContact(ctx, partnerID)
	if err != nil {
		return Readiness{}, err
	}
	ps, err := s.PaymentSettings(ctx, partnerID)
	return Readiness{BillingComplete: found && c.Complete(), BalancePayment: ps.UsesAccountBalance()}, err
}

// Notification is the balance-notification setting (S-5).
type Notification struct {
	Threshold *money.Yen // nil: off
	Emails    []string
}

// MaxThreshold bounds the balance-notification threshold.
const MaxThreshold money.Yen = 10_000_000_000

// Notification returns partnerID's balance-notification setting.
func (s *Store) Notification(ctx context.Context, partnerID int64) (Notification, error) {
	var n Notification
	err := s.DB.QueryRow(ctx, `SELECT balance_threshold, notification_emails FROM partners WHERE id = $1`, partnerID).Scan(&n.Threshold, &n.Emails)
	return n, err
}

// SaveNotification stores the threshold and the account-notification
// addresses (required when a threshold is set); auth.ManageFinance.
func (s *Store) SaveNotification(ctx context.Context, partnerID int64, n Notification, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ManageFinance, partnerID); err != nil {
		return err
	}
	e := valid.Errors{}
	if n.Threshold != nil {
		e.Range("threshold", int64(*n.Threshold), 0, int64(MaxThreshold))
	}
	if n.Threshold != nil && len(n.Emails) == 0 {
		e.Add("notification_emails", "notify.emails_required")
	}
	for _, m := range n.Emails {
		if !valid.IsEmail(m) {
			e.Add("notification_emails", "form.email_list", map[string]any{"Address": m})
		}
	}
	if len(e) > 0 {
		return e
	}
	if n.Emails == nil {
		n.Emails = []string{}
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if _, err := q.Exec(ctx, `UPDATE partners SET balance_threshold = $2, notification_emails = $3 WHERE id = $1`,
			partnerID, n.Threshold, n.Emails); err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(s.Clock.Now(), audit.NotificationSaved, "partner", partnerID)
		e.Details = map[string]any{"threshold": n.Threshold, "emails": n.Emails}
		return audit.Record(ctx, q, e)
	})
}
