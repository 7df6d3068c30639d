package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/voucher"
)

// LoadDemo loads the demo data (demo.Load) and then gives Acme and Globex
// three months of history made by the real services, with the test clock
// moved through them: orders, the cancellation of an earlier month's
// order, adjustments, closed months with their invoices, statements and
// emails, one invoice paid and one overdue. Business time is put back
// where it was at the end. It returns demo.ErrAlreadyLoaded or
// demo.ErrNotEmpty, changing nothing, on a database that is not empty.
func (a *App) LoadDemo(ctx context.Context, passwordHash string) (err error) {
	if a.TestClock == nil {
		return errors.New("demo data needs the test clock: it is refused in production")
	}
	was := a.TestClock.Offset()
	defer func() {
		if rerr := a.TestClock.Set(context.WithoutCancel(ctx), time.Now().Add(was), nil); err == nil {
			err = rerr
		}
	}()
	now := a.Clock.Now().In(clock.Tokyo)
	first := time.Date(now.Year(), now.Month()-3, 1, 0, 0, 0, 0, clock.Tokyo)
	h := &history{a: a, ctx: ctx, first: first}
	h.at(0, 3, 10)
	if err := demo.Load(ctx, a.Pool, a.Clock.Now(), passwordHash); err != nil {
		return err
	}
	return h.play()
}

// history plays the demo's months, relative to the first.
type history struct {
	a     *App
	ctx   context.Context
	first time.Time
	acme  auth.Actor // acme-admin
	op    auth.Actor // op-finance
	err   error
	keys  int
}

// at moves business time to day d (1-based) of the month m months after
// the first, at hour h Japan time.
func (h *history) at(m, d, hour int) {
	if h.err == nil {
		t := h.first.AddDate(0, m, d-1).Add(time.Duration(hour) * time.Hour)
		h.err = h.a.TestClock.Set(h.ctx, t, nil)
	}
}

func (h *history) play() error {
	if err := h.actors(); err != nil {
		return err
	}
	// Month 1: three orders, Globex charged for a token's shipping.
	h.at(0, 4, 10)
	h.order("株式会社サンプル商事", "4月更新分", voucher.LineInput{ProductID: 1, Years: 1, Quantity: 3, FQDNs: 1})
	h.at(0, 12, 15)
	h.order("山田製作所", "", voucher.LineInput{ProductID: 4, Years: 1, Quantity: 1, FQDNs: 2})
	h.at(0, 20, 11)
	h.adjust(2, -3000, "ハードウェアトークン送料")
	h.at(0, 25, 16)
	cancelled := h.order("テスト販売", "キャンセル予定", voucher.LineInput{ProductID: 1, Years: 1, Quantity: 1, FQDNs: 1})
	// Month 2: the close of month 1; a cancellation of month 1's order; an order.
	h.at(1, 1, 0)
	h.close()
	h.at(1, 8, 10)
	h.cancel(cancelled)
	h.order("株式会社サンプル商事", "", voucher.LineInput{ProductID: 7, Years: 1, Quantity: 5, FQDNs: 1})
	// Month 3: the close of month 2, its invoice paid; an order, a credit.
	h.at(2, 1, 0)
	h.close()
	h.at(2, 5, 10)
	h.order("北海道データ", "", voucher.LineInput{ProductID: 2, Years: 1, Quantity: 1, FQDNs: 1})
	h.at(2, 15, 14)
	h.adjust(1, 1000, "キャンペーン値引き")
	h.at(2, 20, 10)
	h.pay(1, 1)
	// Month 4 (this month): the close of month 3; an order so far.
	h.at(3, 1, 0)
	h.close()
	h.at(3, 2, 10)
	h.order("株式会社サンプル商事", "", voucher.LineInput{ProductID: 1, Years: 1, Quantity: 2, FQDNs: 1})
	return h.err
}

func (h *history) actors() error {
	var acmeAdmin, opFinance int64
	err := h.a.Pool.QueryRow(h.ctx, `SELECT (SELECT id FROM users WHERE username = 'acme-admin'),
		(SELECT id FROM users WHERE username = 'op-finance')`).Scan(&acmeAdmin, &opFinance)
	h.acme = auth.Actor{Principal: &auth.Principal{UserID: acmeAdmin, Username: "acme-admin", PartnerID: 1, Roles: []auth.Role{auth.RoleAdmin}}}
	h.op = auth.Actor{Principal: &auth.Principal{UserID: opFinance, Username: "op-finance", Roles: []auth.Role{auth.RoleFinance}}}
	return err
}

func (h *history) order(customer, memo string, line voucher.LineInput) int64 {
	if h.err != nil {
		return 0
	}
	h.keys++
	in := voucher.Input{GroupID: 1, Customer: customer, Memo: memo, Lines: []voucher.LineInput{line},
		IdempotencyKey: fmt.Sprintf("demo-%d", h.keys)}
	var id int64
	id, _, h.err = h.a.Vouchers.Create(h.ctx, 1, in, h.acme)
	return id
}

func (h *history) cancel(id int64) {
	if h.err == nil {
		h.err = h.a.Vouchers.Cancel(h.ctx, 1, id, h.acme)
	}
}

func (h *history) adjust(partnerID int64, amount int64, reason string) {
	if h.err == nil {
		h.err = h.a.Ledger.Adjust(h.ctx, partnerID, money.Yen(amount), reason, h.op)
	}
}

func (h *history) close() {
	if h.err != nil {
		return
	}
	var ran bool
	if _, ran, h.err = h.a.Billing.CloseDue(h.ctx); h.err == nil && !ran {
		h.err = billing.ErrCloseRunning
	}
}

// pay pays in full Acme's invoice of the month m months after the first.
func (h *history) pay(partnerID int64, m int) {
	if h.err != nil {
		return
	}
	invs, err := h.a.Billing.Invoices(h.ctx, billing.InvoiceFilter{PartnerID: partnerID})
	if err != nil {
		h.err = err
		return
	}
	month := billing.MonthOf(h.first.AddDate(0, m, 0))
	for _, inv := range invs {
		if inv.Month == month {
			h.err = h.a.Billing.RecordPayment(h.ctx, inv.Number, billing.PaymentInput{Amount: inv.Due(),
				PaidOn: clock.Date(h.a.Clock.Now()), Reference: "振込 " + inv.Number}, h.op)
			return
		}
	}
}
