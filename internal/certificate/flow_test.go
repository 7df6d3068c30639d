package certificate

// The paths of a certificate order: redeemed, approved and installed;
// rejected; cancelled within and after the 30 days, with the CRL; reissued
// within a multi-year plan; a partner's direct order charged to and
// credited back to its balance.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/ca"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
)

// TestFromVoucherToInstalledCertificate: an end user redeems a DV voucher
// for 3 FQDNs and a wildcard with an RSA 2048 CSR; Validation approves;
// the certificate chains to the CA's root for every name (crypto/x509 and
// openssl agree), and the end user is emailed.
func TestFromVoucherToInstalledCertificate(t *testing.T) {
	e := newEnv(t) // the real time: openssl verify checks it
	sub := e.subscriber()
	code := e.buyOne()
	key := rsaKey(t, 2048)
	r := Request{CSR: csrFor(t, key, "www.example.com", "example.com", "mail.example.com", "*.example.com")}

	id, err := e.svc.Redeem(e.ctx, sub, " "+strings.ToLower(code.Code)+" ", code.Product.Code, r, clientIP) // as typed
	if err != nil {
		t.Fatal(err)
	}
	o := e.order(id)
	if o.Status != Pending || o.SubscriberID != sub.ID || o.VoucherCodeID != code.ID || o.PartnerID != acme || o.GroupID != acmeGroup ||
		o.CommonName != "www.example.com" || !slices.Equal(o.Names, threeAndAWildcardNames) ||
		o.FQDNs != 3 || o.Wildcards != 1 || o.Years != 1 || o.KeyName != "RSA 2048" || o.Price != 0 || len(o.Certificates) != 0 {
		t.Fatalf("order after redemption: %+v", o)
	}
	if s := e.codeStatus(code.ID); s != voucher.CodeUsed {
		t.Errorf("code status %q, want used", s)
	}
	if n := e.int(`SELECT count(*) FROM audit_log WHERE action = 'voucher.code_redeemed' AND object_id = $1 AND partner_id = $2
		AND (details->>'certificate_order_id')::bigint = $3`, fmt.Sprint(code.ID), acme, id); n != 1 {
		t.Errorf("%d redemption entries in the partner's log, want 1", n)
	}
	if page, err := e.svc.Queue(e.ctx, 0, validation); err != nil || len(page.Orders) != 1 || page.Orders[0].ID != id {
		t.Errorf("queue %+v (%v)", page.Orders, err)
	}

	e.approve(id)
	o = e.order(id)
	if o.Status != Issued || o.DecidedAt == nil || len(o.Certificates) != 1 {
		t.Fatalf("order after approval: %s, %d certificates", o.Status, len(o.Certificates))
	}
	if n := e.int(`SELECT count(*) FROM certificates WHERE order_id = $1`, id); n != 1 {
		t.Errorf("%d certificate rows", n)
	}
	if page, err := e.svc.Queue(e.ctx, 0, validation); err != nil || len(page.Orders) != 0 {
		t.Errorf("the queue still lists %+v (%v)", page.Orders, err)
	}
	cert, err := e.svc.SubscriberCertificate(e.ctx, sub, id, o.Certificates[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert.DER)
	if err != nil {
		t.Fatal(err)
	}
	if ca.FormatSerial(leaf.SerialNumber) != cert.Serial {
		t.Errorf("serial %s stored as %s", ca.FormatSerial(leaf.SerialNumber), cert.Serial)
	}
	if leaf.Subject.CommonName != "www.example.com" || !slices.Equal(leaf.DNSNames, threeAndAWildcardNames) {
		t.Errorf("leaf names %q %q, want %q", leaf.Subject.CommonName, leaf.DNSNames, threeAndAWildcardNames)
	}
	if !key.Public().(*rsa.PublicKey).Equal(leaf.PublicKey) {
		t.Error("the leaf does not certify the CSR's key")
	}
	if !slices.Equal(leaf.CRLDistributionPoints, []string{"http://portal.test" + CRLPath}) {
		t.Errorf("CRL distribution points %q", leaf.CRLDistributionPoints)
	}
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(e.svc.CA.Root())
	inters.AddCert(e.svc.CA.Intermediate())
	for _, name := range append(slices.Clone(leaf.DNSNames), "shop.example.com") { // and a host under the wildcard
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, DNSName: name,
			CurrentTime: leaf.NotBefore.Add(time.Hour)}); err != nil {
			t.Errorf("verify for %s: %v", name, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, DNSName: "other.example.net",
		CurrentTime: leaf.NotBefore.Add(time.Hour)}); err == nil {
		t.Error("the leaf verifies for a name it does not hold")
	}

	chain := e.svc.ChainPEM(cert)
	first, rest := pem.Decode(chain)
	second, rest := pem.Decode(rest)
	if first == nil || second == nil || len(bytes.TrimSpace(rest)) != 0 || first.Type != "CERTIFICATE" || second.Type != "CERTIFICATE" ||
		!bytes.Equal(first.Bytes, cert.DER) || !bytes.Equal(second.Bytes, e.svc.CA.Intermediate().Raw) {
		t.Errorf("ChainPEM is not the leaf followed by the intermediate:\n%s", chain)
	}
	t.Run("openssl verify", func(t *testing.T) { opensslVerify(t, e.svc.CA, chain) })

	var subject, body string
	if n := e.int(`SELECT count(*) FROM mail_outbox WHERE $1 = ANY (to_addrs)`, sub.Email); n != 1 {
		t.Errorf("%d emails to the end user, want 1", n)
	}
	if err := e.pool.QueryRow(e.ctx, `SELECT subject, body_text FROM mail_outbox WHERE $1 = ANY (to_addrs)`, sub.Email).Scan(&subject, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(subject, "www.example.com") || !strings.Contains(body, fmt.Sprintf("http://portal.test/secure/orders/%d", id)) {
		t.Errorf("email %q:\n%s", subject, body)
	}
	if n := e.int(`SELECT count(*) FROM audit_log WHERE action = 'certificate.issued' AND object_id = $1 AND partner_id = $2`, fmt.Sprint(id), acme); n != 1 {
		t.Errorf("%d issuance entries", n)
	}
}

// opensslVerify checks the chain (leaf, intermediate) against the CA's
// root with openssl, at the real time.
func opensslVerify(t *testing.T, authority *ca.Authority, chain []byte) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("no openssl")
	}
	leaf, rest := pem.Decode(chain)
	intermediate, _ := pem.Decode(rest)
	dir := t.TempDir()
	write := func(name string, der []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("root.pem", authority.Root().Raw)
	write("intermediate.pem", intermediate.Bytes)
	write("leaf.pem", leaf.Bytes)
	cmd := exec.Command(openssl, "verify", "-purpose", "sslserver", "-CAfile", "root.pem", "-untrusted", "intermediate.pem", "leaf.pem")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "leaf.pem: OK" {
		t.Errorf("openssl verify: %v\n%s", err, out)
	}
}

// TestRejectGivesTheCodeBack: a rejection before issuance makes the code
// Active again and tells the end user why; a rejection needs a reason;
// a decided request cannot be decided again.
func TestRejectGivesTheCodeBack(t *testing.T) {
	e := newEnv(t)
	sub := e.subscriber()
	code := e.buyOne()
	id := e.redeem(sub, code, threeAndAWildcard(t))

	before := e.fingerprint()
	for _, reason := range []string{"", " \n\t "} {
		err := e.svc.Reject(e.ctx, id, reason, validation)
		if errs := fields(t, err); errs.ID("reason") != "form.required" || len(errs) != 1 {
			t.Errorf("reason %q: %v, want reason required", reason, errs)
		}
	}
	if errs := fields(t, e.svc.Reject(e.ctx, id, strings.Repeat("x", MaxReasonLen+1), validation)); errs.ID("reason") == "" {
		t.Errorf("a long reason: %v", errs)
	}
	if e.fingerprint() != before {
		t.Error("a refused rejection wrote to the database")
	}

	if err := e.svc.Reject(e.ctx, id, "The domain's WHOIS does not match.", validation); err != nil {
		t.Fatal(err)
	}
	o := e.order(id)
	if o.Status != Rejected || o.RejectReason != "The domain's WHOIS does not match." || len(o.Certificates) != 0 {
		t.Errorf("order after rejection: %s %q, %d certificates", o.Status, o.RejectReason, len(o.Certificates))
	}
	if s := e.codeStatus(code.ID); s != voucher.CodeActive {
		t.Errorf("code status %q after rejection, want active", s)
	}
	if n := e.int(`SELECT count(*) FROM mail_outbox WHERE $1 = ANY (to_addrs) AND body_text LIKE '%WHOIS does not match%'`, sub.Email); n != 1 {
		t.Errorf("%d rejection emails with the reason", n)
	}

	before = e.fingerprint()
	if err := e.svc.Approve(e.ctx, id, validation); !errors.Is(err, ErrNotPending) {
		t.Errorf("approving a rejected request: %v", err)
	}
	if err := e.svc.Reject(e.ctx, id, "again", validation); !errors.Is(err, ErrNotPending) {
		t.Errorf("rejecting twice: %v", err)
	}
	if _, err := e.svc.CancelBySubscriber(e.ctx, sub, id, clientIP); !errors.Is(err, ErrNotCancellable) {
		t.Errorf("cancelling a rejected request: %v", err)
	}
	if e.fingerprint() != before {
		t.Error("deciding a decided request wrote to the database")
	}

	// The code works again, for a new request.
	again := e.redeem(sub, code, threeAndAWildcard(t))
	e.approve(again)
	before = e.fingerprint()
	if err := e.svc.Approve(e.ctx, again, validation); !errors.Is(err, ErrNotPending) {
		t.Errorf("approving twice: %v", err)
	}
	if err := e.svc.Reject(e.ctx, again, "too late", validation); !errors.Is(err, ErrNotPending) {
		t.Errorf("rejecting an issued request: %v", err)
	}
	if e.fingerprint() != before {
		t.Error("deciding an issued request wrote to the database")
	}
	if n := e.int(`SELECT count(*) FROM certificates WHERE order_id = $1`, again); n != 1 {
		t.Errorf("%d certificates after approving twice", n)
	}
	if err := e.svc.Approve(e.ctx, 999999, validation); !errors.Is(err, ErrNotFound) {
		t.Errorf("approving a missing order: %v", err)
	}
}

// TestCancelWithinThirtyDaysGivesTheCodeBack: cancelling revokes the
// certificate; within 30 days of issuance the code is Active again with
// its expiry, after that it stays Used; the CRL lists both.
func TestCancelWithinThirtyDaysGivesTheCodeBack(t *testing.T) {
	e := newEnv(t)
	sub := e.subscriber()
	early, late := e.buyOne(), e.buyOne()
	expiresOn := func(c voucher.Code) string {
		var s string
		if err := e.pool.QueryRow(e.ctx, `SELECT o.expires_on::text FROM voucher_orders o JOIN voucher_codes c ON c.order_id = o.id
			WHERE c.id = $1`, c.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	earlyExpiry := expiresOn(early)

	a := e.issued(sub, early) // issued at T
	b := e.issued(sub, late)  // issued at T2, a moment later

	e.setClock(a.Certificates[0].IssuedAt.Add(ReactivationWindow - time.Minute))
	done, err := e.svc.CancelBySubscriber(e.ctx, sub, a.ID, clientIP)
	if err != nil {
		t.Fatal(err)
	}
	if !done.GivenBack || !done.WithinLimit || !slices.Equal(done.Revoked, []string{a.Certificates[0].Serial}) {
		t.Errorf("cancellation 30 days minus a minute after issuance: %+v", done)
	}
	got := e.order(a.ID)
	if got.Status != Cancelled || got.CancelledAt == nil || got.Certificates[0].RevokedAt == nil || got.Current() != nil {
		t.Errorf("order after cancellation: %s, certificate revoked at %v", got.Status, got.Certificates[0].RevokedAt)
	}
	if s := e.codeStatus(early.ID); s != voucher.CodeActive {
		t.Errorf("code status %q after a timely cancellation, want active", s)
	}
	if got := expiresOn(early); got != earlyExpiry {
		t.Errorf("the code's order now expires on %s, was %s", got, earlyExpiry)
	}
	if _, err := e.svc.Vouchers.CheckRedemption(e.ctx, early.Code, dv); err != nil {
		t.Errorf("the code given back does not redeem: %v", err)
	}
	if _, err := e.svc.CancelBySubscriber(e.ctx, sub, a.ID, clientIP); !errors.Is(err, ErrNotCancellable) {
		t.Errorf("cancelling twice: %v", err)
	}

	e.setClock(b.Certificates[0].IssuedAt.Add(ReactivationWindow + time.Minute))
	done, err = e.svc.CancelBySubscriber(e.ctx, sub, b.ID, clientIP)
	if err != nil {
		t.Fatal(err)
	}
	if done.GivenBack || done.WithinLimit || !slices.Equal(done.Revoked, []string{b.Certificates[0].Serial}) {
		t.Errorf("cancellation 30 days plus a minute after issuance: %+v", done)
	}
	if got := e.order(b.ID); got.Status != Cancelled || got.Certificates[0].RevokedAt == nil {
		t.Errorf("late cancellation: %s, revoked at %v", got.Status, got.Certificates[0].RevokedAt)
	}
	if s := e.codeStatus(late.ID); s != voucher.CodeUsed {
		t.Errorf("code status %q after a late cancellation, want used", s)
	}

	crl := e.crl()
	if err := crl.CheckSignatureFrom(e.svc.CA.Intermediate()); err != nil {
		t.Errorf("CRL signature: %v", err)
	}
	listed := map[string]time.Time{}
	for _, r := range crl.RevokedCertificateEntries {
		listed[ca.FormatSerial(r.SerialNumber)] = r.RevocationTime
	}
	for _, o := range []Order{e.order(a.ID), e.order(b.ID)} {
		c := o.Certificates[0]
		at, ok := listed[c.Serial]
		if !ok || !at.Equal(c.RevokedAt.Truncate(time.Second)) {
			t.Errorf("CRL entry for %s: %v %v, revoked at %v", c.Serial, ok, at, c.RevokedAt)
		}
	}
	if len(listed) != 2 {
		t.Errorf("the CRL lists %d certificates, want 2", len(listed))
	}
	if d := crl.NextUpdate.Sub(crl.ThisUpdate); d != ca.CRLLifetime || crl.ThisUpdate.After(e.now()) {
		t.Errorf("CRL from %s to %s", crl.ThisUpdate, crl.NextUpdate)
	}
}

// TestCancelBeforeIssuanceGivesTheCodeBack: a pending order cancelled by
// the partner revokes nothing and frees the code.
func TestCancelBeforeIssuanceGivesTheCodeBack(t *testing.T) {
	e := newEnv(t)
	code := e.buyOne()
	id := e.redeem(e.subscriber(), code, threeAndAWildcard(t))
	if _, err := e.svc.CancelByPartner(e.ctx, acme, id, acmeUser); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a Standard User cancels: %v", err)
	}
	done, err := e.svc.CancelByPartner(e.ctx, acme, id, acmeAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if !done.GivenBack || len(done.Revoked) != 0 {
		t.Errorf("cancellation of a pending order: %+v", done)
	}
	if s := e.codeStatus(code.ID); s != voucher.CodeActive {
		t.Errorf("code status %q, want active", s)
	}
	if err := e.svc.Approve(e.ctx, id, validation); !errors.Is(err, ErrNotPending) {
		t.Errorf("approving a cancelled order: %v", err)
	}
}

// TestReissueWithinThePlan: a 2-year voucher's certificate is reissued for
// a new key while the plan runs, never past its end; after it, no more.
func TestReissueWithinThePlan(t *testing.T) {
	e := newEnv(t)
	sub := e.subscriber()
	_, codes := e.buy(dv, 2, 3, 1, 1)
	o := e.issued(sub, codes[0])
	issuedAt := o.Certificates[0].IssuedAt
	if o.PlanEndsAt == nil || o.PlanEndsAt.Sub(issuedAt.AddDate(2, 0, 0)).Abs() > time.Millisecond {
		t.Fatalf("plan ends %v, issued %s", o.PlanEndsAt, issuedAt)
	}
	planEnd := *o.PlanEndsAt

	reissue := func() (*ecdsa.PrivateKey, error) {
		key := ecKey(t, elliptic.P384()).(*ecdsa.PrivateKey)
		return key, e.svc.Reissue(e.ctx, sub, o.ID, csrFor(t, key, "ignored.example.org", "ignored.example.org"), clientIP)
	}
	// checkNew checks the newest certificate: for key, the order's names,
	// and ending at want.
	checkNew := func(n int, key *ecdsa.PrivateKey, want time.Time) {
		t.Helper()
		got := e.order(o.ID)
		if got.Status != Issued || len(got.Certificates) != n || got.Current() == nil || got.Current().ID != got.Certificates[0].ID {
			t.Fatalf("after reissue: %s with %d certificates, want %d", got.Status, len(got.Certificates), n)
		}
		if got.KeyName != "ECDSA P-384" {
			t.Errorf("key %s", got.KeyName)
		}
		leaf := e.leafOf(sub, o.ID, got.Certificates[0])
		if !key.PublicKey.Equal(leaf.PublicKey) {
			t.Error("the reissued certificate does not certify the new key")
		}
		if !slices.Equal(leaf.DNSNames, threeAndAWildcardNames) || leaf.Subject.CommonName != "www.example.com" {
			t.Errorf("reissued for %q %q, want the order's names", leaf.Subject.CommonName, leaf.DNSNames)
		}
		if !leaf.NotAfter.Equal(want) || leaf.NotAfter.After(planEnd) {
			t.Errorf("reissued NotAfter %s, want %s (plan ends %s)", leaf.NotAfter, want, planEnd)
		}
		if got.Certificates[0].Serial == got.Certificates[1].Serial {
			t.Error("the same serial twice")
		}
		// The certificate it replaces stays valid ReissueGrace, to be
		// swapped, then it is revoked.
		if r := got.Certificates[1].RevokedAt; r == nil || !r.Equal(got.Certificates[0].IssuedAt.Add(ReissueGrace)) {
			t.Errorf("the replaced certificate is revoked at %v, want %s", r, got.Certificates[0].IssuedAt.Add(ReissueGrace))
		}
	}

	// 200 days in: the schedule's cap comes before the plan's end.
	e.setClock(issuedAt.Add(200 * day))
	key, err := reissue()
	if err != nil {
		t.Fatal(err)
	}
	nb := e.order(o.ID).Certificates[0].NotBefore
	checkNew(2, key, ca.MaxNotAfter(nb))
	if ca.MaxNotAfter(nb).Sub(nb) > ca.MaxValidity(nb) {
		t.Errorf("validity %s", ca.MaxNotAfter(nb).Sub(nb))
	}

	// Ten days before the plan ends: the certificate ends with the plan.
	e.setClock(planEnd.Add(-10 * day))
	key, err = reissue()
	if err != nil {
		t.Fatal(err)
	}
	checkNew(3, key, planEnd.Truncate(time.Second))

	// After the plan: refused, nothing written.
	e.setClock(planEnd.Add(time.Minute))
	before := e.fingerprint()
	if _, err := reissue(); !errors.Is(err, ErrNotReissuable) {
		t.Errorf("reissue after the plan: %v", err)
	}
	if err := e.svc.Reissue(e.ctx, sub, o.ID, badSignature(t), clientIP); fields(t, err).ID("csr") != "csr.bad_signature" {
		t.Errorf("reissue with a bad CSR: %v", err)
	}
	if e.fingerprint() != before {
		t.Error("a refused reissue wrote to the database")
	}

	// Cancelling revokes every certificate of the order still valid: the
	// replaced ones were revoked three days after their reissues.
	done, err := e.svc.CancelBySubscriber(e.ctx, sub, o.ID, clientIP)
	if err != nil {
		t.Fatal(err)
	}
	if len(done.Revoked) != 1 || done.GivenBack {
		t.Errorf("cancellation after the plan: %+v, want the current serial revoked and nothing given back", done)
	}
	for _, c := range e.order(o.ID).Certificates {
		if c.RevokedAt == nil {
			t.Errorf("certificate %s not revoked", c.Serial)
		}
	}
}

// TestReissueRefusals: a pending, a cancelled, and a 1-year order whose
// plan has ended cannot be reissued.
func TestReissueRefusals(t *testing.T) {
	e := newEnv(t)
	sub := e.subscriber()
	csr := csrFor(t, ecKey(t, elliptic.P256()), "www.example.com")
	pending := e.redeem(sub, e.buyOne(), threeAndAWildcard(t))
	cancelled := e.issued(sub, e.buyOne())
	if _, err := e.svc.CancelBySubscriber(e.ctx, sub, cancelled.ID, clientIP); err != nil {
		t.Fatal(err)
	}
	before := e.fingerprint()
	for name, id := range map[string]int64{"pending": pending, "cancelled": cancelled.ID} {
		if err := e.svc.Reissue(e.ctx, sub, id, csr, clientIP); !errors.Is(err, ErrNotReissuable) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if e.fingerprint() != before {
		t.Error("a refused reissue wrote to the database")
	}
}

// directPrice is the O-6 unit price of fqdns and wildcards of productID
// for years in partnerID's contract in force: base with the first FQDN,
// then each further FQDN and each wildcard.
func (e *env) directPrice(partnerID, productID int64, years, fqdns, wildcards int) money.Yen {
	e.t.Helper()
	v, err := e.contracts.InForce(e.ctx, partnerID, e.now())
	if err != nil {
		e.t.Fatal(err)
	}
	entry, ok := v.Entry(productID, years)
	if !ok {
		e.t.Fatalf("no price for product %d, %d years", productID, years)
	}
	p := entry.Prices
	return p.Base + money.Yen(fqdns-1)*p.AdditionalFQDN + money.Yen(wildcards)*p.Wildcard
}

// setCreditLimit appends a contract version of partner 1 with limit,
// effective today.
func (e *env) setCreditLimit(limit money.Yen) {
	e.t.Helper()
	v, err := e.contracts.InForce(e.ctx, acme, e.now())
	if err != nil {
		e.t.Fatal(err)
	}
	v.CreditLimit = limit
	if _, err := e.contracts.Create(e.ctx, acme, contract.NewVersion{EffectiveFrom: clock.Date(e.now()), Terms: v.Terms, Entries: v.Entries},
		demo.Actor("op-sales")); err != nil {
		e.t.Fatal(err)
	}
}

// TestDirectOrderIsChargedAndCreditedBack: a partner's certificate
// without a voucher is charged at the contract's price for the names it
// holds, and credited back when cancelled within 30 days.
func TestDirectOrderIsChargedAndCreditedBack(t *testing.T) {
	e := newEnv(t)
	product := e.productID(dv)
	in := DirectInput{GroupID: acmeGroup, IdempotencyKey: "kflow1", ProductID: product, Years: 1, Request: threeAndAWildcard(t)}
	want := e.directPrice(acme, product, 1, 3, 1)
	if want <= 0 {
		t.Fatalf("price %v", want)
	}
	before, _ := e.svc.Ledger.Figures(e.ctx, acme)

	id, err := e.svc.Direct(e.ctx, acme, in, acmeAdmin)
	if err != nil {
		t.Fatal(err)
	}
	o := e.order(id)
	if !o.Direct() || o.Status != Pending || o.Price != want || o.FQDNs != 3 || o.Wildcards != 1 || o.RequestedBy != acmeAdmin.UserID() ||
		!slices.Equal(o.Names, threeAndAWildcardNames) {
		t.Errorf("direct order %+v, want price %v", o, want)
	}
	var kind string
	var amount money.Yen
	if err := e.pool.QueryRow(e.ctx, `SELECT kind, amount FROM ledger_entries WHERE certificate_order_id = $1`, id).Scan(&kind, &amount); err != nil {
		t.Fatal(err)
	}
	if kind != string(ledger.CertificateCharge) || amount != -want {
		t.Errorf("ledger entry %s %v, want certificate_charge %v", kind, amount, -want)
	}
	after, _ := e.svc.Ledger.Figures(e.ctx, acme)
	if after.CurrentBalance != before.CurrentBalance-want || after.Available != before.Available-want {
		t.Errorf("figures %+v → %+v, want %v less", before, after, want)
	}
	if n := e.int(`SELECT count(*) FROM audit_log WHERE action = 'certificate.requested' AND object_id = $1 AND partner_id = $2`, fmt.Sprint(id), acme); n != 1 {
		t.Errorf("%d request entries", n)
	}
	if got, err := e.svc.PartnerOrder(e.ctx, acme, id, acmeAdmin); err != nil || got.ID != id {
		t.Errorf("the partner reads its direct order: %v", err)
	}

	e.approve(id)
	if n := e.int(`SELECT count(*) FROM mail_outbox WHERE $1 = ANY (to_addrs) AND subject LIKE '%www.example.com%'`, acmeAdmin.Principal.Email); n != 1 {
		t.Errorf("%d issuance emails to the staff member who ordered", n)
	}
	e.advance(ReactivationWindow - time.Hour)
	done, err := e.svc.CancelByPartner(e.ctx, acme, id, acmeAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if !done.GivenBack || len(done.Revoked) != 1 {
		t.Errorf("cancellation within 30 days: %+v", done)
	}
	if err := e.pool.QueryRow(e.ctx, `SELECT kind, amount FROM ledger_entries WHERE certificate_order_id = $1 ORDER BY id DESC LIMIT 1`, id).Scan(&kind, &amount); err != nil {
		t.Fatal(err)
	}
	if kind != string(ledger.CertificateCredit) || amount != want {
		t.Errorf("ledger entry %s %v, want certificate_credit %v", kind, amount, want)
	}
	if sum := e.sumOf(`certificate_order_id = $1`, id); sum != 0 {
		t.Errorf("the order's entries sum to %v", sum)
	}
	if final, _ := e.svc.Ledger.Figures(e.ctx, acme); final.CurrentBalance != before.CurrentBalance {
		t.Errorf("balance %v after the credit, was %v", final.CurrentBalance, before.CurrentBalance)
	}
}

// TestDirectOrderRefusals: who may order, what the request must be, and
// the credit check; none writes anything.
func TestDirectOrderRefusals(t *testing.T) {
	e := newEnv(t)
	product := e.productID(dv)
	good := DirectInput{GroupID: acmeGroup, IdempotencyKey: "kflow2", ProductID: product, Years: 1, Request: threeAndAWildcard(t)}
	with := func(f func(*DirectInput)) DirectInput { in := good; f(&in); return in }
	cases := []struct {
		name    string
		partner int64
		in      DirectInput
		actor   auth.Actor
		check   func(error) bool
	}{
		{"a Standard User", acme, good, acmeUser, is(auth.ErrForbidden)},
		{"another partner's staff", acme, good, globexAdmin, is(auth.ErrOtherPartner)},
		{"operator Validation", acme, good, validation, is(auth.ErrForbidden)},
		{"no product", acme, with(func(in *DirectInput) { in.ProductID = 0 }), acmeAdmin, field("product")},
		{"years outside the contract", acme, with(func(in *DirectInput) { in.Years = 6 }), acmeAdmin, field("product")},
		{"a bad CSR", acme, with(func(in *DirectInput) { in.Request.CSR = badSignature(t) }), acmeAdmin, field("csr")},
		{"a wildcard on an EV product", acme, with(func(in *DirectInput) {
			in.ProductID = e.productID("ssl_basic_ev")
			in.Request.Org = Organization{Name: "Acme", Locality: "Chiyoda-ku", Country: "JP"}
		}), acmeAdmin, field("names")},
		{"another partner's group", acme, with(func(in *DirectInput) { in.GroupID = 2 }), acmeAdmin, field("group_id")},
		{"a partner whose billing contact is incomplete", globex, with(func(in *DirectInput) { in.GroupID = 2 }), globexAdmin,
			refusal("voucher.billing_incomplete")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.fingerprint()
			id, err := e.svc.Direct(e.ctx, c.partner, c.in, c.actor)
			if !c.check(err) {
				t.Errorf("order %d, %v", id, err)
			}
			if e.fingerprint() != before {
				t.Error("the refusal wrote to the database")
			}
		})
	}
	t.Run("insufficient funds", func(t *testing.T) {
		e.setCreditLimit(1000)
		before := e.fingerprint()
		id, err := e.svc.Direct(e.ctx, acme, good, acmeAdmin)
		var r *voucher.Refusal
		if !errors.As(err, &r) || r.MessageID != "voucher.insufficient_funds" {
			t.Errorf("order %d, %v; want voucher.insufficient_funds", id, err)
		}
		if e.fingerprint() != before {
			t.Error("the refusal wrote to the database")
		}
	})
}

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func field(name string) func(error) bool {
	return func(err error) bool {
		var e valid.Errors
		return errors.As(err, &e) && e.ID(name) != ""
	}
}

func refusal(id string) func(error) bool {
	return func(err error) bool {
		var r *voucher.Refusal
		return errors.As(err, &r) && r.MessageID == id
	}
}

// TestDirectOrderRejectedIsCreditedBack: a direct order rejected before
// issuance gets its price back.
func TestDirectOrderRejectedIsCreditedBack(t *testing.T) {
	e := newEnv(t)
	product := e.productID(dv)
	id, err := e.svc.Direct(e.ctx, acme, DirectInput{GroupID: acmeGroup, IdempotencyKey: "kflow3", ProductID: product, Years: 1,
		Request: Request{CSR: csrFor(t, ecKey(t, elliptic.P256()), "www.example.com"), Names: "www.example.com example.com"}}, acmeAdmin)
	if err != nil {
		t.Fatal(err)
	}
	want := e.directPrice(acme, product, 1, 2, 0)
	if got := e.sumOf(`certificate_order_id = $1`, id); got != -want {
		t.Fatalf("charged %v, want %v", -got, want)
	}
	if err := e.svc.Reject(e.ctx, id, "Domain control not shown.", validation); err != nil {
		t.Fatal(err)
	}
	if got := e.sumOf(`certificate_order_id = $1 AND kind = 'certificate_credit'`, id); got != want {
		t.Errorf("credited %v, want %v", got, want)
	}
	// The staff member who ordered is told why, and not that a voucher
	// code (a direct order has none) can be used again.
	var subject, body string
	if err := e.pool.QueryRow(e.ctx, `SELECT subject, body_text FROM mail_outbox WHERE $1 = ANY (to_addrs) ORDER BY id DESC LIMIT 1`,
		acmeAdmin.Principal.Email).Scan(&subject, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(subject, "www.example.com") || !strings.Contains(body, "Domain control not shown.") ||
		!strings.Contains(body, fmt.Sprintf("http://portal.test/certificates/%d", id)) {
		t.Errorf("rejection email %q:\n%s", subject, body)
	}
	if strings.Contains(strings.ToLower(body), "voucher") {
		t.Errorf("the rejection email of a direct order speaks of a voucher code:\n%s", body)
	}
}

// TestCancelWindowCountsFromTheFirstIssuance: a reissue does not restart
// the 30 days after which a cancellation no longer gives the code back.
func TestCancelWindowCountsFromTheFirstIssuance(t *testing.T) {
	e := newEnv(t)
	sub := e.subscriber()
	code := e.buyOne()
	o := e.issued(sub, code)
	e.advance(10 * day)
	if err := e.svc.Reissue(e.ctx, sub, o.ID, csrFor(t, ecKey(t, elliptic.P256()), "www.example.com"), clientIP); err != nil {
		t.Fatal(err)
	}
	e.setClock(o.Certificates[0].IssuedAt.Add(ReactivationWindow + time.Minute))
	done, err := e.svc.CancelBySubscriber(e.ctx, sub, o.ID, clientIP)
	if err != nil {
		t.Fatal(err)
	}
	if done.GivenBack || len(done.Revoked) != 1 {
		t.Errorf("cancellation 30 days after the first issuance, 20 after the reissue: %+v", done)
	}
	if s := e.codeStatus(code.ID); s != voucher.CodeUsed {
		t.Errorf("code status %q, want used", s)
	}
}

// TestEmailsAreInTheRequestersLanguage: a Japanese end user's emails are in
// Japanese and name the common name.
func TestEmailsAreInTheRequestersLanguage(t *testing.T) {
	e := newEnv(t)
	sub := e.subscriber()
	if _, err := e.pool.Exec(e.ctx, `UPDATE subscribers SET language = 'ja' WHERE id = $1`, sub.ID); err != nil {
		t.Fatal(err)
	}
	o := e.issued(sub, e.buyOne())
	rejected := e.redeem(sub, e.buyOne(), threeAndAWildcard(t))
	if err := e.svc.Reject(e.ctx, rejected, "ドメインの所有を確認できません。", validation); err != nil {
		t.Fatal(err)
	}
	rows, err := e.pool.Query(e.ctx, `SELECT subject || '|' || body_text FROM mail_outbox WHERE $1 = ANY (to_addrs) ORDER BY id`, sub.Email)
	if err != nil {
		t.Fatal(err)
	}
	var mails []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			t.Fatal(err)
		}
		mails = append(mails, m)
	}
	if len(mails) != 2 {
		t.Fatalf("%d emails", len(mails))
	}
	if !strings.HasPrefix(mails[0], "www.example.com の証明書を発行しました|") || !strings.Contains(mails[0], fmt.Sprint(o.ID)) {
		t.Errorf("issuance email %q", mails[0])
	}
	if !strings.HasPrefix(mails[1], "www.example.com の証明書申請は承認されませんでした|") || !strings.Contains(mails[1], "ドメインの所有を確認できません。") {
		t.Errorf("rejection email %q", mails[1])
	}
}
