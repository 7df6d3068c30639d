package certificate

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/valid"
)

// csrDER makes a CSR for www.example.com signed by key.
func csrDER(t *testing.T, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "www.example.com", Organization: []string{"Example K.K."},
			Locality: []string{"Chiyoda-ku"}, Province: []string{"Tokyo"}, Country: []string{"JP"}},
		DNSNames: []string{"www.example.com", "example.com"},
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func pemOf(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func rsaKey(t *testing.T, bits int) crypto.Signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ecKey(t *testing.T, c elliptic.Curve) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// problem returns err's problem on field, failing unless err is
// valid.Errors with exactly that field.
func problem(t *testing.T, err error, field string) valid.Problem {
	t.Helper()
	var e valid.Errors
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not valid.Errors", err, err)
	}
	p, ok := e[field]
	if !ok || len(e) != 1 {
		t.Fatalf("errors %v, want one on %q", e, field)
	}
	return p
}

func TestParseCSRAcceptsRSA2048AndP256AndP384(t *testing.T) {
	rsa2048 := csrDER(t, rsaKey(t, 2048))
	cases := []struct {
		name, key string
		input     []byte
	}{
		{"RSA 2048", "RSA 2048", pemOf(rsa2048)},
		{"RSA 3072", "RSA 3072", pemOf(csrDER(t, rsaKey(t, 3072)))},
		{"P-256", "ECDSA P-256", pemOf(csrDER(t, ecKey(t, elliptic.P256())))},
		{"P-384", "ECDSA P-384", pemOf(csrDER(t, ecKey(t, elliptic.P384())))},
		{"CRLF line endings", "RSA 2048", []byte(strings.ReplaceAll(string(pemOf(rsa2048)), "\n", "\r\n"))},
		{"surrounding blanks", "RSA 2048", []byte("\r\n \t" + string(pemOf(rsa2048)) + "\n\n  ")},
		{"byte order mark", "RSA 2048", append([]byte("\uFEFF"), pemOf(rsa2048)...)},
		{"NEW CERTIFICATE REQUEST", "RSA 2048", pem.EncodeToMemory(&pem.Block{Type: "NEW CERTIFICATE REQUEST", Bytes: rsa2048})},
		{"pasted into one line", "RSA 2048", []byte(strings.ReplaceAll(string(pemOf(rsa2048)), "\n", " "))},
		{"after openssl req -text", "RSA 2048", []byte("Certificate Request:\n    Data:\n        Version: 1 (0x0)\n" + string(pemOf(rsa2048)))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			csr, err := ParseCSR("csr", c.input)
			if err != nil {
				t.Fatal(err)
			}
			if csr.KeyName != c.key {
				t.Errorf("KeyName = %q, want %q", csr.KeyName, c.key)
			}
			if csr.CommonName != "www.example.com" || strings.Join(csr.DNSNames, " ") != "www.example.com example.com" {
				t.Errorf("names = %q %q", csr.CommonName, csr.DNSNames)
			}
			if csr.Organization != "Example K.K." || csr.Locality != "Chiyoda-ku" || csr.Province != "Tokyo" || csr.Country != "JP" {
				t.Errorf("subject = %q %q %q %q", csr.Organization, csr.Locality, csr.Province, csr.Country)
			}
			if csr.PublicKey == nil {
				t.Error("no public key")
			}
			// The PEM is the DER's, in the standard form.
			if csr.PEM != string(pemOf(csr.DER)) || !strings.HasPrefix(csr.PEM, "-----BEGIN CERTIFICATE REQUEST-----\n") {
				t.Errorf("PEM = %q", csr.PEM)
			}
			if again, err := ParseCSR("csr", []byte(csr.PEM)); err != nil || string(again.DER) != string(csr.DER) {
				t.Errorf("the normalized PEM does not read back: %v", err)
			}
		})
	}
}

func TestParseCSRRefusals(t *testing.T) {
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	badSignature := func(key crypto.Signer) []byte {
		der := csrDER(t, key)
		der[len(der)-1] ^= 0x5a // the signature is the last field of the CSR
		return pemOf(der)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: csrDER(t, ecKey(t, elliptic.P256()))})
	p256 := pemOf(csrDER(t, ecKey(t, elliptic.P256())))
	privateKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not really")})
	truncated := string(p256)
	truncated = truncated[:len(truncated)/2] + "\n-----END CERTIFICATE REQUEST-----\n"

	cases := []struct {
		name  string
		input []byte
		id    string
		data  map[string]any
	}{
		{"empty", nil, "csr.required", nil},
		{"blank", []byte(" \r\n\t\n"), "csr.required", nil},
		{"larger than 64 KiB", []byte(strings.Repeat("A", MaxCSRBytes+1)), "csr.too_large", map[string]any{"Max": 64}},
		{"garbage", []byte("hello, this is my CSR"), "csr.unreadable", nil},
		{"no end line", p256[:len(p256)-40], "csr.unreadable", nil},
		{"truncated", []byte(truncated), "csr.unreadable", nil},
		{"bad base64", []byte("-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n"), "csr.unreadable", nil},
		{"not DER", []byte("-----BEGIN CERTIFICATE REQUEST-----\naGVsbG8=\n-----END CERTIFICATE REQUEST-----\n"), "csr.unreadable", nil},
		{"a certificate block", cert, "csr.unreadable", nil},
		{"a private key after the CSR", append(append([]byte{}, p256...), privateKey...), "csr.private_key", nil},
		{"a private key alone", privateKey, "csr.private_key", nil},
		{"two CSRs", append(append([]byte{}, p256...), p256...), "csr.unreadable", nil},
		{"bad RSA signature", badSignature(rsaKey(t, 2048)), "csr.bad_signature", nil},
		{"bad ECDSA signature", badSignature(ecKey(t, elliptic.P384())), "csr.bad_signature", nil},
		{"RSA 1024", pemOf(csrDER(t, rsaKey(t, 1024))), "csr.weak_rsa", map[string]any{"Bits": 1024}},
		{"RSA 2052 (not whole bytes)", pemOf(csrDER(t, rsaKey(t, 2052))), "csr.unsupported_key", map[string]any{"Key": "RSA 2052"}},
		{"P-224", pemOf(csrDER(t, ecKey(t, elliptic.P224()))), "csr.bad_curve", map[string]any{"Curve": "P-224"}},
		{"P-521", pemOf(csrDER(t, ecKey(t, elliptic.P521()))), "csr.bad_curve", map[string]any{"Curve": "P-521"}},
		{"secp256k1", pemOf(withCurve(t, csrDER(t, ecKey(t, elliptic.P256())), asn1.ObjectIdentifier{1, 3, 132, 0, 10})), "csr.bad_curve", map[string]any{"Curve": "secp256k1"}},
		{"Ed25519", pemOf(csrDER(t, ed)), "csr.unsupported_key", map[string]any{"Key": "Ed25519"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			csr, err := ParseCSR("csr", c.input)
			if err == nil {
				t.Fatalf("accepted: %+v", csr)
			}
			p := problem(t, err, "csr")
			if p.ID != c.id || !maps.Equal(p.Data, c.data) {
				t.Errorf("problem %s %v, want %s %v", p.ID, p.Data, c.id, c.data)
			}
		})
	}
}

// withCurve returns der with its EC key's curve replaced by curve (and a
// signature that no longer matches, which the key check comes before).
func withCurve(t *testing.T, der []byte, curve asn1.ObjectIdentifier) []byte {
	t.Helper()
	var c rawCSR
	if _, err := asn1.Unmarshal(der, &c); err != nil {
		t.Fatal(err)
	}
	params, err := asn1.Marshal(curve)
	if err != nil {
		t.Fatal(err)
	}
	c.TBS.Raw, c.TBS.PublicKey.Raw = nil, nil
	c.TBS.PublicKey.Algorithm.Parameters = asn1.RawValue{FullBytes: params}
	out, err := asn1.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x509.ParseCertificateRequest(out); err == nil {
		t.Fatal("crypto/x509 now reads the curve; the test needs another")
	}
	return out
}

// TestCSRAndNamesMessagesExist renders every message id ParseCSR and
// CheckNames use, with their data, in both languages.
func TestCSRAndNamesMessagesExist(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	messages := map[string]map[string]any{
		"csr.required":             nil,
		"csr.too_large":            {"Max": 64},
		"csr.unreadable":           nil,
		"csr.bad_signature":        nil,
		"csr.weak_rsa":             {"Bits": 1024},
		"csr.bad_curve":            {"Curve": "P-224"},
		"csr.unsupported_key":      {"Key": "Ed25519"},
		"names.required":           nil,
		"names.bad_hostname":       {"Name": "-a.example.com"},
		"names.bad_wildcard":       {"Name": "*.*.example.com"},
		"names.too_many":           {"Max": 250},
		"names.too_many_fqdns":     {"Allowed": 3, "Count": 4},
		"names.too_many_wildcards": {"Allowed": 1, "Count": 2},
	}
	for _, lang := range []string{"en", "ja"} {
		l := b.Localizer(lang)
		for id, data := range messages {
			text := l.T(id, data)
			if text == id || strings.Contains(text, "<no value>") || strings.Contains(text, "{{") {
				t.Errorf("%s %s = %q", lang, id, text)
			}
			for _, v := range data {
				if !strings.Contains(text, fmt.Sprint(v)) {
					t.Errorf("%s %s = %q lacks %v", lang, id, text, v)
				}
			}
		}
	}
}
