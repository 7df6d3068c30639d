package ca_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/ca"
)

var names = []string{"example.com", "*.example.com", "www.example.org"}

func request(pub crypto.PublicKey, notBefore time.Time) ca.Request {
	return ca.Request{
		PublicKey:    pub,
		CommonName:   "example.com",
		DNSNames:     slices.Clone(names),
		Organization: "Example KK", Locality: "Minato-ku", Province: "Tokyo", Country: "JP",
		NotBefore: notBefore,
		NotAfter:  ca.MaxNotAfter(notBefore),
	}
}

func issue(t *testing.T, a *ca.Authority, r ca.Request) (ca.Issued, *x509.Certificate) {
	t.Helper()
	got, err := a.Issue(r)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	leaf, err := x509.ParseCertificate(got.DER)
	if err != nil {
		t.Fatal(err)
	}
	return got, leaf
}

// verify checks the leaf against the root through the intermediate, for a
// server name, at a time.
func verify(a *ca.Authority, leaf *x509.Certificate, name string, at time.Time) error {
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(a.Root())
	inters.AddCert(a.Intermediate())
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inters, DNSName: name, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	return err
}

func TestIssuedLeafVerifiesForEachName(t *testing.T) {
	a, _ := openDev(t, now)
	keys := map[string]crypto.Signer{"ECDSA P-256": ecdsaKey(t, elliptic.P256()), "RSA 2048": rsaKey(t, 2048)}
	for kind, key := range keys {
		t.Run(kind, func(t *testing.T) {
			got, leaf := issue(t, a, request(key.Public(), now))
			for _, name := range []string{"example.com", "anything.example.com", "www.example.org"} {
				if err := verify(a, leaf, name, now.Add(24*time.Hour)); err != nil {
					t.Errorf("Verify(%s): %v", name, err)
				}
			}
			for _, name := range []string{"a.b.example.com", "example.org"} {
				if verify(a, leaf, name, now.Add(24*time.Hour)) == nil {
					t.Errorf("Verify(%s) succeeded for a name not in the certificate", name)
				}
			}
			if verify(a, leaf, "example.com", got.NotAfter.Add(time.Second)) == nil {
				t.Error("Verify succeeded after NotAfter")
			}
			checkLeaf(t, a, got, leaf, kind == "RSA 2048")
		})
	}
}

// checkLeaf checks the fields of an issued leaf.
func checkLeaf(t *testing.T, a *ca.Authority, got ca.Issued, leaf *x509.Certificate, rsa bool) {
	t.Helper()
	if !slices.Equal(leaf.DNSNames, names) {
		t.Errorf("SANs %v, want %v", leaf.DNSNames, names)
	}
	if !slices.Equal(leaf.CRLDistributionPoints, []string{crlURL}) {
		t.Errorf("CRL distribution points %v, want %s", leaf.CRLDistributionPoints, crlURL)
	}
	want := x509.KeyUsageDigitalSignature
	if rsa {
		want |= x509.KeyUsageKeyEncipherment
	}
	if leaf.KeyUsage != want || !slices.Equal(leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) {
		t.Errorf("key usage %b, extended %v; want %b, server auth", leaf.KeyUsage, leaf.ExtKeyUsage, want)
	}
	if leaf.IsCA || !leaf.BasicConstraintsValid {
		t.Error("the leaf is a CA or has no basic constraints")
	}
	if string(leaf.AuthorityKeyId) != string(a.Intermediate().SubjectKeyId) || len(leaf.AuthorityKeyId) == 0 {
		t.Error("the authority key id is not the intermediate's subject key id")
	}
	if s := leaf.Subject; s.CommonName != "example.com" || !slices.Equal(s.Organization, []string{"Example KK"}) || !slices.Equal(s.Country, []string{"JP"}) {
		t.Errorf("subject %s", s)
	}
	if leaf.SerialNumber.Cmp(got.Serial) != 0 || got.SerialHex != strings.ToLower(got.Serial.Text(16)) {
		t.Errorf("serial %s, Issued %s / %s", leaf.SerialNumber, got.Serial, got.SerialHex)
	}
	if !leaf.NotBefore.Equal(got.NotBefore) || !leaf.NotAfter.Equal(got.NotAfter) {
		t.Errorf("validity %s – %s, Issued says %s – %s", leaf.NotBefore, leaf.NotAfter, got.NotBefore, got.NotAfter)
	}
}

func TestSerialsAreRandom128BitPositive(t *testing.T) {
	a, _ := openDev(t, now)
	key := ecdsaKey(t, elliptic.P256())
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	seen := map[string]bool{}
	long := 0
	for range 20 {
		got, _ := issue(t, a, request(key.Public(), now))
		if got.Serial.Sign() <= 0 || got.Serial.Cmp(limit) >= 0 {
			t.Fatalf("serial %s is not in (0, 2^128)", got.Serial)
		}
		if seen[got.SerialHex] {
			t.Fatalf("serial %s issued twice", got.SerialHex)
		}
		seen[got.SerialHex] = true
		if got.Serial.BitLen() > 120 {
			long++
		}
	}
	if long < 15 { // each has probability 1-2^-8 of more than 120 bits
		t.Errorf("only %d of 20 serials have more than 120 bits: not 128 random bits", long)
	}
}

func TestChainPEMIsTheLeafThenTheIntermediate(t *testing.T) {
	a, _ := openDev(t, now)
	got, _ := issue(t, a, request(ecdsaKey(t, elliptic.P256()).Public(), now))
	want := string(certPEM(got.DER)) + string(certPEM(a.Intermediate().Raw))
	if chain := string(a.ChainPEM(got.DER)); chain != want {
		t.Errorf("ChainPEM:\n%s\nwant:\n%s", chain, want)
	}
}

func TestOpenSSLVerifiesTheChain(t *testing.T) {
	issuedAt := time.Now().Add(-time.Hour) // openssl verifies at the real time
	a, _ := openDev(t, issuedAt)
	got, err := a.Issue(request(rsaKey(t, 2048).Public(), issuedAt))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "root.pem", certPEM(a.Root().Raw))
	writeFile(t, dir, "intermediate.pem", certPEM(a.Intermediate().Raw))
	writeFile(t, dir, "leaf.pem", certPEM(got.DER))
	writeFile(t, dir, "chain.pem", a.ChainPEM(got.DER))
	out := openssl(t, dir, "verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname", "www.example.org",
		"-CAfile", "root.pem", "-untrusted", "intermediate.pem", "leaf.pem")
	if strings.TrimSpace(out) != "leaf.pem: OK" {
		t.Errorf("openssl verify printed %q", out)
	}
	out = openssl(t, dir, "verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem")
	if strings.TrimSpace(out) != "leaf.pem: OK" {
		t.Errorf("openssl verify with ChainPEM as the untrusted chain printed %q", out)
	}
}

func TestMaxValidityChangesAtEachReduction(t *testing.T) {
	const day = 24 * time.Hour
	tokyo := time.FixedZone("JST", 9*60*60)
	cases := []struct {
		at   time.Time
		want time.Duration
	}{
		{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 398 * day},
		{time.Date(2026, 3, 14, 23, 59, 59, 0, time.UTC), 398 * day},
		{time.Date(2026, 3, 15, 8, 59, 59, 0, tokyo), 398 * day}, // 23:59:59 UTC
		{time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), 200 * day},
		{time.Date(2026, 3, 15, 9, 0, 0, 0, tokyo), 200 * day}, // 00:00 UTC
		{time.Date(2027, 3, 14, 23, 59, 59, 0, time.UTC), 200 * day},
		{time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC), 100 * day},
		{time.Date(2029, 3, 14, 23, 59, 59, 0, time.UTC), 100 * day},
		{time.Date(2029, 3, 15, 0, 0, 0, 0, time.UTC), 47 * day},
		{time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC), 47 * day},
	}
	for _, c := range cases {
		if got := ca.MaxValidity(c.at); got != c.want {
			t.Errorf("MaxValidity(%s) = %s days, want %s", c.at, got/day, c.want/day)
		}
	}
}

func TestIssueRefusesAValidityOneSecondTooLong(t *testing.T) {
	a, _ := openDev(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	key := ecdsaKey(t, elliptic.P256()).Public()
	for _, nb := range []time.Time{
		time.Date(2026, 3, 14, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC),
		time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2029, 3, 15, 0, 0, 0, 0, time.UTC),
	} {
		r := request(key, nb)
		got, err := a.Issue(r)
		if err != nil {
			t.Errorf("from %s, the longest validity: %v", nb, err)
		} else if period := got.NotAfter.Sub(got.NotBefore) + time.Second; period != ca.MaxValidity(nb) {
			t.Errorf("from %s, the longest validity period (inclusive) is %s, want %s", nb, period, ca.MaxValidity(nb))
		}
		r.NotAfter = r.NotAfter.Add(time.Second)
		if _, err := a.Issue(r); !errors.Is(err, ca.ErrValidity) {
			t.Errorf("from %s, one second too long: %v, want ErrValidity", nb, err)
		}
	}
}

func TestIssueRefusesNotAfterBeyondTheIntermediate(t *testing.T) {
	a, _ := openDev(t, time.Date(2029, 6, 1, 0, 0, 0, 0, time.UTC))
	end := a.Intermediate().NotAfter
	r := request(ecdsaKey(t, elliptic.P256()).Public(), end.Add(-10*24*time.Hour))
	r.NotAfter = end
	if _, err := a.Issue(r); err != nil {
		t.Errorf("NotAfter = the intermediate's: %v", err)
	}
	r.NotAfter = end.Add(time.Second)
	if _, err := a.Issue(r); !errors.Is(err, ca.ErrBeyondIntermediate) {
		t.Errorf("NotAfter one second after the intermediate's: %v, want ErrBeyondIntermediate", err)
	}
}

func TestIssueRefusesABadRequest(t *testing.T) {
	a, _ := openDev(t, now)
	good := request(ecdsaKey(t, elliptic.P256()).Public(), now)
	edPub, _, _ := ed25519.GenerateKey(nil)
	cases := map[string]struct {
		change func(*ca.Request)
		want   error
	}{
		"RSA 1024":              {func(r *ca.Request) { r.PublicKey = rsaKey(t, 1024).Public() }, ca.ErrUnsupportedKey},
		"ECDSA P-521":           {func(r *ca.Request) { r.PublicKey = ecdsaKey(t, elliptic.P521()).Public() }, ca.ErrUnsupportedKey},
		"Ed25519":               {func(r *ca.Request) { r.PublicKey = edPub }, ca.ErrUnsupportedKey},
		"no key":                {func(r *ca.Request) { r.PublicKey = nil }, ca.ErrUnsupportedKey},
		"no names":              {func(r *ca.Request) { r.DNSNames = nil }, ca.ErrBadName},
		"inner wildcard":        {func(r *ca.Request) { r.DNSNames = []string{"a.*.example.com"} }, ca.ErrBadName},
		"bare wildcard":         {func(r *ca.Request) { r.DNSNames = []string{"*.com"}; r.CommonName = "" }, ca.ErrBadName},
		"Unicode name":          {func(r *ca.Request) { r.DNSNames = []string{"例え.jp"}; r.CommonName = "" }, ca.ErrBadName},
		"empty label":           {func(r *ca.Request) { r.DNSNames = []string{"a..example.com"} }, ca.ErrBadName},
		"common name not a SAN": {func(r *ca.Request) { r.CommonName = "other.example.com" }, ca.ErrBadName},
		"NotAfter = NotBefore":  {func(r *ca.Request) { r.NotAfter = r.NotBefore }, ca.ErrValidity},
	}
	for name, c := range cases {
		r := good
		r.DNSNames = slices.Clone(good.DNSNames)
		c.change(&r)
		if _, err := a.Issue(r); !errors.Is(err, c.want) {
			t.Errorf("%s: Issue = %v, want %v", name, err, c.want)
		}
	}
	if _, err := a.Issue(good); err != nil {
		t.Errorf("the unchanged request: %v", err)
	}
}
