package certificate

import (
	"testing"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/auth/authtest"
)

// TestEveryActionChecksItsActor: each action of the certificate service
// that takes an actor requires its permission, whatever page or key
// called it, and partner staff reach only their own partner's orders.
func TestEveryActionChecksItsActor(t *testing.T) {
	e := newEnv(t)
	pending := e.redeem(e.subscriber(), e.buyOne(), threeAndAWildcard(t))
	issued := e.issued(e.subscriber(), e.buyOne()).ID
	direct := DirectInput{GroupID: acmeGroup, IdempotencyKey: "kauthz1", ProductID: e.productID(dv), Years: 1, Request: threeAndAWildcard(t)}
	authtest.Check(t, e.pool, acme, e.svc, []authtest.Action{
		{Name: "Direct", Perm: auth.OrderCertificates, Do: func(p int64, a auth.Actor) error {
			_, err := e.svc.Direct(e.ctx, p, direct, a)
			return err
		}},
		{Name: "CancelByPartner", Perm: auth.OrderCertificates, Do: func(p int64, a auth.Actor) error {
			_, err := e.svc.CancelByPartner(e.ctx, p, issued, a)
			return err
		}},
		{Name: "PartnerOrders", Perm: auth.OrderCertificates, Do: func(p int64, a auth.Actor) error {
			_, err := e.svc.PartnerOrders(e.ctx, p, 0, a)
			return err
		}},
		{Name: "PartnerOrder", Perm: auth.OrderCertificates, Do: func(p int64, a auth.Actor) error {
			_, err := e.svc.PartnerOrder(e.ctx, p, issued, a)
			return err
		}},
		{Name: "PartnerCertificate", Perm: auth.OrderCertificates, Do: func(p int64, a auth.Actor) error {
			_, err := e.svc.PartnerCertificate(e.ctx, p, issued, 1, a)
			return err
		}},
		{Name: "ReissueByPartner", Perm: auth.OrderCertificates, Do: func(p int64, a auth.Actor) error {
			return e.svc.ReissueByPartner(e.ctx, p, issued, []byte(threeAndAWildcard(t).CSR), a)
		}},
		{Name: "Queue", Perm: auth.ValidateCertificates, Do: func(_ int64, a auth.Actor) error {
			_, err := e.svc.Queue(e.ctx, 0, a)
			return err
		}},
		{Name: "ForValidation", Perm: auth.ValidateCertificates, Do: func(_ int64, a auth.Actor) error {
			_, err := e.svc.ForValidation(e.ctx, pending, a)
			return err
		}},
		{Name: "Approve", Perm: auth.ValidateCertificates, Do: func(_ int64, a auth.Actor) error { return e.svc.Approve(e.ctx, pending, a) }},
		{Name: "Reject", Perm: auth.ValidateCertificates, Do: func(_ int64, a auth.Actor) error {
			return e.svc.Reject(e.ctx, pending, "no", a)
		}},
	})
	if o := e.order(pending); o.Status != Pending {
		t.Errorf("the pending order is %s after the refusals", o.Status)
	}
}
