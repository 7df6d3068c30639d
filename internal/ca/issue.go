package ca

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Request is what a leaf is issued for.
type Request struct {
	PublicKey  crypto.PublicKey // from the CSR: RSA of 2048 bits or more, or ECDSA P-256 or P-384
	CommonName string           // empty, or one of DNSNames
	DNSNames   []string         // the SANs, ASCII (IDN already converted); "*." only as the first label
	// The subject's organization, for OV and EV certificates; empty for DV.
	Organization, Locality, Province, Country string
	NotBefore                                 time.Time // the issuance time; a certificate's times are whole seconds
	NotAfter                                  time.Time // at most MaxNotAfter(NotBefore) and the intermediate's NotAfter
}

// Issued is a signed leaf.
type Issued struct {
	Serial              *big.Int // random, 128 bits, positive
	SerialHex           string   // FormatSerial(Serial), as stored
	DER                 []byte   // the leaf
	NotBefore, NotAfter time.Time
}

// The refusals of Issue; the error returned wraps one of them.
var (
	ErrUnsupportedKey     = errors.New("ca: the public key is neither RSA of 2048 bits or more nor ECDSA P-256 or P-384")
	ErrBadName            = errors.New("ca: the DNS names are missing or malformed, or the common name is not one of them")
	ErrValidity           = errors.New("ca: the validity period is empty or longer than the baseline requirements allow")
	ErrBeyondIntermediate = errors.New("ca: the certificate would expire after the intermediate")
)

// Issue signs a TLS server certificate for r with the intermediate: key
// usage digital signature (and key encipherment for an RSA key), extended
// key usage server auth, not a CA, the DNS names as SANs, the authority key
// id and the CRL URL. It refuses a validity period (NotBefore through
// NotAfter inclusive) longer than MaxValidity(NotBefore) and a NotAfter
// after the intermediate's.
func (a *Authority) Issue(r Request) (Issued, error) {
	nb, na := r.NotBefore.UTC().Truncate(time.Second), r.NotAfter.UTC().Truncate(time.Second)
	usage, err := keyUsage(r.PublicKey)
	if err != nil {
		return Issued{}, err
	}
	if err := checkNames(r.CommonName, r.DNSNames); err != nil {
		return Issued{}, err
	}
	if err := a.checkValidity(nb, na); err != nil {
		return Issued{}, err
	}
	serial, err := newSerial()
	if err != nil {
		return Issued{}, err
	}
	der, err := x509.CreateCertificate(rand.Reader, a.leafTemplate(r, serial, nb, na, usage), a.intermediate, r.PublicKey, a.key.signer)
	if err != nil {
		return Issued{}, fmt.Errorf("ca: sign the certificate: %w", err)
	}
	return Issued{Serial: serial, SerialHex: FormatSerial(serial), DER: der, NotBefore: nb, NotAfter: na}, nil
}

// leafTemplate is the certificate Issue signs.
func (a *Authority) leafTemplate(r Request, serial *big.Int, nb, na time.Time, usage x509.KeyUsage) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject(r),
		DNSNames:              slices.Clone(r.DNSNames),
		NotBefore:             nb,
		NotAfter:              na,
		KeyUsage:              usage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  false,
		AuthorityKeyId:        a.intermediate.SubjectKeyId,
		CRLDistributionPoints: []string{a.crlURL},
	}
}

// subject is the leaf's distinguished name; empty attributes are left out.
func subject(r Request) pkix.Name {
	return pkix.Name{
		CommonName:   r.CommonName,
		Organization: nonEmpty(r.Organization),
		Locality:     nonEmpty(r.Locality),
		Province:     nonEmpty(r.Province),
		Country:      nonEmpty(r.Country),
	}
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// keyUsage accepts the keys the baseline requirements (and the browsers'
// root programmes) allow and returns the leaf's key usage for them.
func keyUsage(pub crypto.PublicKey) (x509.KeyUsage, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 || k.N.BitLen()%8 != 0 || k.E < 3 || k.E%2 == 0 {
			return 0, fmt.Errorf("%w (RSA of %d bits)", ErrUnsupportedKey, k.N.BitLen())
		}
		return x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, nil
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			return 0, fmt.Errorf("%w (ECDSA %s)", ErrUnsupportedKey, k.Curve.Params().Name)
		}
		return x509.KeyUsageDigitalSignature, nil
	default:
		return 0, fmt.Errorf("%w (%T)", ErrUnsupportedKey, pub)
	}
}

// checkNames wants at least one well-formed DNS name and a common name that
// is empty or one of them.
func checkNames(commonName string, names []string) error {
	if len(names) == 0 {
		return fmt.Errorf("%w: no DNS name", ErrBadName)
	}
	for _, n := range names {
		if !validDNSName(n) {
			return fmt.Errorf("%w: %q", ErrBadName, n)
		}
	}
	if commonName != "" && !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, commonName) }) {
		return fmt.Errorf("%w: the common name %q is not a DNS name", ErrBadName, commonName)
	}
	return nil
}

// validDNSName accepts an ASCII host name of letters, digits and hyphens,
// with at least two labels, optionally preceded by a wildcard label "*.".
func validDNSName(name string) bool {
	host := strings.TrimPrefix(name, "*.")
	labels := strings.Split(host, ".")
	if len(name) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !validLabel(l) {
			return false
		}
	}
	return true
}

// validLabel is 1 to 63 letters, digits and hyphens, not starting or
// ending with a hyphen.
func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range []byte(l) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// checkValidity refuses an empty or too long period and a NotAfter after
// the intermediate's.
func (a *Authority) checkValidity(nb, na time.Time) error {
	if !na.After(nb) {
		return fmt.Errorf("%w: NotAfter %s is not after NotBefore %s", ErrValidity, na, nb)
	}
	if period, limit := validityPeriod(nb, na), MaxValidity(nb); period > limit {
		return fmt.Errorf("%w: %s from %s, at most %s (NotAfter at most %s)", ErrValidity, period, nb, limit, MaxNotAfter(nb))
	}
	if na.After(a.intermediate.NotAfter) {
		return fmt.Errorf("%w: NotAfter %s, the intermediate's %s", ErrBeyondIntermediate, na, a.intermediate.NotAfter)
	}
	return nil
}

// newSerial returns a random positive serial of 128 bits (16 bytes from
// crypto/rand; an all-zero draw is drawn again).
func newSerial() (*big.Int, error) {
	b := make([]byte, 16)
	for {
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("ca: draw a serial: %w", err)
		}
		if s := new(big.Int).SetBytes(b); s.Sign() > 0 {
			return s, nil
		}
	}
}

// FormatSerial is a serial as the portal stores it: lower-case hex without
// leading zeros.
func FormatSerial(serial *big.Int) string { return serial.Text(16) }

// ParseSerial reads a serial stored by FormatSerial (for CRL entries).
func ParseSerial(hex string) (*big.Int, error) {
	s, ok := new(big.Int).SetString(hex, 16)
	if !ok || s.Sign() <= 0 {
		return nil, fmt.Errorf("ca: %q is not a serial", hex)
	}
	return s, nil
}

// ChainPEM returns the leaf followed by the intermediate, PEM encoded: what
// the customer installs on their server (the root is not part of it).
func (a *Authority) ChainPEM(leafDER []byte) []byte {
	var buf bytes.Buffer
	_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: leafDER})
	_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: a.intermediate.Raw})
	return buf.Bytes()
}
