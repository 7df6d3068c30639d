package certificate

import (
	"crypto/elliptic"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/i18n"
)

// TestAReissueNeedsANewKeyAndRevokesTheOldCertificateThreeDaysLater: the
// replaced certificate works while the new one is installed, then the CRL
// lists it; a partner reissues its direct orders, never its end users'.
func TestAReissueNeedsANewKeyAndRevokesTheOldCertificateThreeDaysLater(t *testing.T) {
	e := newEnv(t)
	sub := e.subscriber()
	o := e.issued(sub, e.buyOne())
	old := o.Certificates[0]

	before := e.fingerprint()
	if err := e.svc.Reissue(e.ctx, sub, o.ID, []byte(o.CSRPEM), clientIP); fields(t, err).ID("csr") != "certificate.same_key" {
		t.Errorf("reissue with the current key: %v", err)
	}
	if e.fingerprint() != before {
		t.Error("a refused reissue wrote something")
	}
	if err := e.svc.ReissueByPartner(e.ctx, acme, o.ID, []byte(threeAndAWildcard(t).CSR), acmeAdmin); !errors.Is(err, ErrNotFound) {
		t.Errorf("the partner reissuing its end user's certificate: %v", err)
	}
	if err := e.svc.Reissue(e.ctx, sub, o.ID, csrFor(t, ecKey(t, elliptic.P256()), "www.example.com"), clientIP); err != nil {
		t.Fatal(err)
	}
	listed := func() bool {
		for _, r := range e.crl().RevokedCertificateEntries {
			if r.SerialNumber.Text(16) == old.Serial {
				return true
			}
		}
		return false
	}
	if listed() {
		t.Error("the replaced certificate is on the CRL at once")
	}
	e.advance(ReissueGrace + time.Minute)
	if !listed() {
		t.Error("the replaced certificate is not on the CRL three days later")
	}
}

// TestADirectOrderSubmittedTwiceIsOneOrder: the form's key makes a double
// submit, even a concurrent one, one order and one charge.
func TestADirectOrderSubmittedTwiceIsOneOrder(t *testing.T) {
	e := newEnv(t)
	in := DirectInput{GroupID: acmeGroup, IdempotencyKey: "twice", ProductID: e.productID(dv), Years: 1, Request: threeAndAWildcard(t)}
	ids := make(chan int64, 2)
	for range 2 {
		go func() {
			id, err := e.svc.Direct(e.ctx, acme, in, acmeAdmin)
			if err != nil {
				t.Error(err)
			}
			ids <- id
		}()
	}
	first, second := <-ids, <-ids
	if first == 0 || first != second {
		t.Errorf("two submits made orders %d and %d", first, second)
	}
	if n := e.int(`SELECT count(*) FROM ledger_entries WHERE kind = 'certificate_charge'`); n != 1 {
		t.Errorf("%d charges", n)
	}
}

// TestEveryCancellationSaysWhatHappenedInBothLanguages: the six outcomes
// of a cancellation each have their message.
func TestEveryCancellationSaysWhatHappenedInBothLanguages(t *testing.T) {
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range []Cancellation{{}, {Direct: true}, {Issued: true}, {Issued: true, Direct: true},
		{Issued: true, GivenBack: true}, {Issued: true, GivenBack: true, Direct: true}} {
		seen[c.MessageID()] = true
		for _, id := range []string{c.MessageID(), c.ConfirmID()} {
			for _, lang := range []string{"ja", "en"} {
				if bundle.Localizer(lang).T(id) == id {
					t.Errorf("%s lacks %s", lang, id)
				}
			}
		}
	}
	if len(seen) != 6 {
		t.Errorf("%d messages for six outcomes", len(seen))
	}
}

// crl is the CA's current CRL, parsed.
func (e *env) crl() *x509.RevocationList {
	e.t.Helper()
	der, err := e.svc.CRL(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		e.t.Fatal(err)
	}
	return crl
}
