package certificate

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/netip"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/valid"
)

// ReissueGrace is how long a certificate replaced by a reissue stays
// valid, so that the new one can be installed first; then it is revoked
// (on the CRL from that time).
const ReissueGrace = 72 * time.Hour

// Reissue issues a new certificate of sub's issued order id for a new CSR
// (a new key) at no charge, while the plan runs (a multi-year voucher). It
// returns valid.Errors for the CSR (the current key again is
// certificate.same_key), ErrNotFound (another end user's order too) or
// ErrNotReissuable.
func (s *Service) Reissue(ctx context.Context, sub subscriber.Subscriber, id int64, csrPEM []byte, ip netip.Addr) error {
	who := sub.Entry(ip)
	return s.reissue(ctx, who, csrPEM, `o.id = $1 AND o.subscriber_id = $2`, id, sub.ID)
}

// ReissueByPartner is Reissue of partnerID's direct order id, for its staff
// (an order redeemed from a voucher is its end user's to reissue). It
// returns the actor's refusal (auth.OrderCertificates for partnerID) first.
func (s *Service) ReissueByPartner(ctx context.Context, partnerID, id int64, csrPEM []byte, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.OrderCertificates, partnerID); err != nil {
		return err
	}
	return s.reissue(ctx, actor.Entry(), csrPEM, `o.id = $1 AND o.partner_id = $2 AND o.voucher_code_id IS NULL`, id, partnerID)
}

// reissue issues the order matched by where a new certificate for csrPEM in
// one transaction: the names stay the order's, the certificate ends at the
// earlier of the plan's end and the schedule's cap, and the certificates
// it replaces are revoked ReissueGrace later.
func (s *Service) reissue(ctx context.Context, who audit.Entry, csrPEM []byte, where string, args ...any) error {
	csr, err := ParseCSR("csr", csrPEM)
	if err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		o, err := lockOrder(ctx, q, where, args...)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if !o.CanReissue(now) {
			return ErrNotReissuable
		}
		if sameKey(o.CSRPEM, csr) {
			return valid.Errors{"csr": {ID: "certificate.same_key"}}
		}
		replaced, err := revoke(ctx, q, o.ID, now.Add(ReissueGrace))
		if err != nil {
			return err
		}
		o.CSRPEM, o.KeyName = csr.PEM, csr.KeyName
		if _, err := q.Exec(ctx, `UPDATE certificate_orders SET csr_pem = $2, key_name = $3 WHERE id = $1`, o.ID, o.CSRPEM, o.KeyName); err != nil {
			return err
		}
		c, err := s.issue(ctx, q, o, csr.PublicKey, now)
		if err != nil {
			return err
		}
		e := who.In(o.PartnerID).Of(now, audit.CertificateReissued, "certificate_order", o.ID)
		e.Details = map[string]any{"serial": c.Serial, "not_after": c.NotAfter, "replaced": replaced, "replaced_revoked_at": now.Add(ReissueGrace)}
		return audit.Record(ctx, q, e)
	})
}

// sameKey reports whether csr has the public key of the CSR currentPEM
// (the order's current key).
func sameKey(currentPEM string, csr CSR) bool {
	b, _ := pem.Decode([]byte(currentPEM))
	if b == nil {
		return false
	}
	current, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil {
		return false
	}
	next, err := x509.ParseCertificateRequest(csr.DER)
	return err == nil && bytes.Equal(current.RawSubjectPublicKeyInfo, next.RawSubjectPublicKeyInfo)
}
