package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/voucher"
)

// LoadDemo loads the demo data (demo.Load) and then gives Acme and Globex
// three months of history made by the real services, with the test clock
// moved through them: orders, the cancellation of an earlier month's
// order, adjustments, closed months with their invoices, statements and
// emails, one invoice paid and one overdue; the end user (demo.EndUser,
// verified, with the demo password) and their certificate, issued from a
// code of Acme's first order; and, last, an order of GeoTrust DV codes
// left Active for a new user to redeem (DemoRedemptionLink). Business time
// is put back where it was at the end. It returns demo.ErrAlreadyLoaded or
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
	h := &history{a: a, ctx: ctx, first: first, hash: passwordHash}
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
	hash  string     // the demo password's
	acme  auth.Actor // acme-admin
	op    auth.Actor // op-finance
	val   auth.Actor // op-validation
	user  subscriber.Subscriber
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
	renewal := h.order("株式会社サンプル商事", "4月更新分", voucher.LineInput{ProductID: 1, Years: 1, Quantity: 3, FQDNs: 1})
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
	// The end user signs up and redeems a code of month 1's renewal order;
	// Validation approves the request the next morning.
	h.at(2, 9, 19)
	h.endUser()
	h.at(2, 9, 20)
	requested := h.redeem(renewal, "www.sample-shoji.example.jp")
	h.at(2, 10, 11)
	h.approve(requested)
	h.at(2, 15, 14)
	h.adjust(1, 1000, "キャンペーン値引き")
	h.at(2, 20, 10)
	h.pay(1, 1)
	// Month 4 (this month): the close of month 3; two orders so far, the
	// second's DV codes left for a new user to try a redemption with.
	h.at(3, 1, 0)
	h.close()
	h.at(3, 2, 10)
	h.order("株式会社サンプル商事", "", voucher.LineInput{ProductID: 1, Years: 1, Quantity: 2, FQDNs: 1})
	h.at(3, 2, 11)
	h.order("ミドリ不動産", "お試し用", voucher.LineInput{ProductID: geoTrustDV, Years: 1, Quantity: 3, FQDNs: 2})
	return h.err
}

// geoTrustDV is the id of ssl_geotrust_dv, the demo catalogue's DV product
// (products are numbered in the order of demo.Products).
const geoTrustDV = 12

func (h *history) actors() error {
	var acmeAdmin, opFinance, opValidation int64
	err := h.a.Pool.QueryRow(h.ctx, `SELECT (SELECT id FROM users WHERE username = 'acme-admin'),
		(SELECT id FROM users WHERE username = 'op-finance'), (SELECT id FROM users WHERE username = 'op-validation')`).
		Scan(&acmeAdmin, &opFinance, &opValidation)
	h.acme = auth.Actor{Principal: &auth.Principal{UserID: acmeAdmin, Username: "acme-admin", PartnerID: 1, Roles: []auth.Role{auth.RoleAdmin}}}
	h.op = auth.Actor{Principal: &auth.Principal{UserID: opFinance, Username: "op-finance", Roles: []auth.Role{auth.RoleFinance}}}
	h.val = auth.Actor{Principal: &auth.Principal{UserID: opValidation, Username: "op-validation", Roles: []auth.Role{auth.RoleValidation}}}
	return err
}

// endUser creates demo.EndUser as subscriber.Service.SignUp and Verify
// would leave it: signed up and verified now, with the demo password.
func (h *history) endUser() {
	if h.err != nil {
		return
	}
	p, now := demo.EndUser, h.a.Clock.Now()
	h.user = subscriber.Subscriber{Email: subscriber.NormalizeEmail(p.Email), Name: p.Name, Language: p.Language}
	h.err = h.a.Pool.QueryRow(h.ctx, `
		INSERT INTO subscribers (email, display_name, password_hash, language, created_at, verified_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, h.user.Email, h.user.Name, h.hash, h.user.Language, now).Scan(&h.user.ID)
}

// redeem has the end user request a certificate for host name cn with the
// first code of Acme's order orderID, with a CSR for a new key (thrown
// away: the demo never needs it), and returns the certificate order.
func (h *history) redeem(orderID int64, cn string) int64 {
	if h.err != nil {
		return 0
	}
	codes, err := h.a.Vouchers.Codes(h.ctx, 1, orderID)
	if err != nil || len(codes) == 0 {
		h.err = fmt.Errorf("demo: the codes of order %d: %d, %w", orderID, len(codes), err)
		return 0
	}
	csr, err := demoCSR(cn)
	if err != nil {
		h.err = err
		return 0
	}
	c := codes[0]
	req := certificate.Request{CSR: csr, Org: certificate.Organization{Name: "株式会社サンプル商事", Locality: "港区", Province: "東京都", Country: "JP"}}
	var id int64
	id, h.err = h.a.Certificates.Redeem(h.ctx, h.user, c.Code, c.Product.Code, req, netip.Addr{})
	return id
}

func (h *history) approve(id int64) {
	if h.err == nil {
		h.err = h.a.Certificates.Approve(h.ctx, id, h.val)
	}
}

// demoCSR is a PEM certificate request for a new ECDSA P-256 key naming cn.
func demoCSR(cn string) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn}}, key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), nil
}

// DemoRedemptionLink returns a voucher's link that the demo's end user can
// open now to request a certificate: the portal's base URL,
// /secure/requests/ssl_certificate/<product>?vc=<code>, for an Active code
// of a DV or OV product of Acme's newest order that has one. It returns ""
// when Acme has no such code left (all used, say).
func (a *App) DemoRedemptionLink(ctx context.Context) (string, error) {
	const acme = 1
	orders, _, err := a.Vouchers.Orders(ctx, acme, voucher.ListFilter{CodeStatus: voucher.CodeActive, Limit: 20})
	if err != nil {
		return "", err
	}
	for _, o := range orders {
		codes, err := a.Vouchers.Codes(ctx, acme, o.ID)
		if err != nil {
			return "", err
		}
		for _, c := range codes {
			if p := c.Product; !p.TakesFQDNs || (p.Kind != "dv" && p.Kind != "ov") {
				continue
			}
			if _, err := a.Vouchers.CheckRedemption(ctx, c.Code, c.Product.Code); err != nil {
				continue
			}
			return a.Config.BaseURL + "/secure/requests/ssl_certificate/" + url.PathEscape(c.Product.Code) + "?vc=" + url.QueryEscape(c.Code), nil
		}
	}
	return "", nil
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
