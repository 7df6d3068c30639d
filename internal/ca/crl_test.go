package ca_test

import (
	"crypto/elliptic"
	"crypto/x509"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/ca"
)

// revokeTwo issues two leaves and returns their revocations.
func revokeTwo(t *testing.T, a *ca.Authority) []ca.Revoked {
	t.Helper()
	key := ecdsaKey(t, elliptic.P256()).Public()
	var revoked []ca.Revoked
	for i := range 2 {
		got, _ := issue(t, a, request(key, now))
		revoked = append(revoked, ca.Revoked{Serial: got.Serial, At: now.Add(time.Duration(i+1) * time.Hour)})
	}
	return revoked
}

func TestCRLIsSignedAndListsTheRevoked(t *testing.T) {
	a, _ := openDev(t, now)
	revoked := revokeTwo(t, a)
	at := now.Add(3 * time.Hour)
	der, err := a.CRL(revoked, 42, at)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(a.Intermediate()); err != nil {
		t.Errorf("signature: %v", err)
	}
	if crl.CheckSignatureFrom(a.Root()) == nil {
		t.Error("the CRL's signature checks with the root's key")
	}
	if crl.Number.Cmp(big.NewInt(42)) != 0 || !crl.ThisUpdate.Equal(at) || !crl.NextUpdate.Equal(at.Add(7*24*time.Hour)) {
		t.Errorf("number %s, this update %s, next %s", crl.Number, crl.ThisUpdate, crl.NextUpdate)
	}
	if string(crl.RawIssuer) != string(a.Intermediate().RawSubject) {
		t.Error("the CRL's issuer is not the intermediate")
	}
	if len(crl.RevokedCertificateEntries) != len(revoked) {
		t.Fatalf("%d entries, want %d", len(crl.RevokedCertificateEntries), len(revoked))
	}
	for i, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(revoked[i].Serial) != 0 || !e.RevocationTime.Equal(revoked[i].At) {
			t.Errorf("entry %d: %s at %s, want %s at %s", i, e.SerialNumber, e.RevocationTime, revoked[i].Serial, revoked[i].At)
		}
	}
}

func TestCRLWithNothingRevoked(t *testing.T) {
	a, _ := openDev(t, now)
	der, err := a.CRL(nil, 1, now)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	if len(crl.RevokedCertificateEntries) != 0 || crl.Number.Int64() != 1 {
		t.Errorf("%d entries, number %s", len(crl.RevokedCertificateEntries), crl.Number)
	}
	if _, err := a.CRL([]ca.Revoked{{Serial: big.NewInt(0), At: now}}, 2, now); err == nil {
		t.Error("CRL accepted a zero serial")
	}
	if _, err := a.CRL(nil, -1, now); err == nil {
		t.Error("CRL accepted a negative number")
	}
}

func TestOpenSSLReadsTheCRL(t *testing.T) {
	a, _ := openDev(t, now)
	revoked := revokeTwo(t, a)
	der, err := a.CRL(revoked, 7, now.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "crl.der"), der, 0o600); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "ca.pem", append(certPEM(a.Root().Raw), certPEM(a.Intermediate().Raw)...))
	out := openssl(t, dir, "crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text", "-CAfile", "ca.pem")
	for _, want := range []string{"verify OK", "X509v3 CRL Number: \n                7", "Revoked Certificates:"} {
		if !strings.Contains(out, want) {
			t.Errorf("openssl crl output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Serial Number:"); n != 2 {
		t.Errorf("openssl lists %d revoked serials, want 2", n)
	}
}
