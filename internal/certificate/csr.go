package certificate

// Reading a certificate signing request that an end user pasted or
// uploaded: PEM, parsed with crypto/x509, its signature checked, and its
// key one a certificate may carry.

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"strconv"

	"github.com/ccp-partner/portal/internal/valid"
)

// MaxCSRBytes is the largest CSR input read (64 KiB); a CSR is 1–3 KB.
const MaxCSRBytes = 64 << 10

// RSA key sizes accepted: at least MinRSABits (the Baseline Requirements),
// a whole number of bytes, at most MaxRSABits (a bound on the work of
// checking the signature, far above any key in use).
const (
	MinRSABits = 2048
	MaxRSABits = 16384
)

// CSR is a parsed, signature-checked certificate signing request.
type CSR struct {
	DER        []byte
	PEM        string // normalized PEM of DER ("CERTIFICATE REQUEST")
	PublicKey  crypto.PublicKey
	KeyName    string   // "RSA 2048", "ECDSA P-256", "ECDSA P-384"
	CommonName string   // from the subject, may be ""
	DNSNames   []string // SANs as in the CSR
	// The first values of the subject's attributes, may be "".
	Organization, Locality, Province, Country string
}

// ParseCSR reads a CSR in PEM ("CERTIFICATE REQUEST" or "NEW CERTIFICATE
// REQUEST"; CRLF, surrounding text and lost line breaks tolerated), checks
// its key (RSA of at least 2048 bits, ECDSA P-256 or P-384) and its
// signature. Refusals are valid.Errors on field with the message ids
// csr.required, csr.too_large, csr.unreadable, csr.weak_rsa (Bits),
// csr.bad_curve (Curve), csr.unsupported_key (Key) and csr.bad_signature.
// The key is checked before the signature, so that a weak or foreign key
// is named as such rather than as a bad signature.
func ParseCSR(field string, input []byte) (CSR, error) {
	e := valid.Errors{}
	if len(input) > MaxCSRBytes {
		e.Add(field, "csr.too_large", map[string]any{"Max": MaxCSRBytes >> 10})
		return CSR{}, e
	}
	input = bytes.TrimSpace(bytes.TrimPrefix(input, []byte("\uFEFF")))
	if len(input) == 0 {
		e.Add(field, "csr.required")
		return CSR{}, e
	}
	if bytes.Contains(input, []byte("PRIVATE KEY-----")) {
		e.Add(field, "csr.private_key")
		return CSR{}, e
	}
	der, ok := decodeCSRPEM(input)
	if !ok {
		e.Add(field, "csr.unreadable")
		return CSR{}, e
	}
	req, err := x509.ParseCertificateRequest(der)
	if err != nil {
		// crypto/x509 refuses an EC key on a curve it does not know
		// (secp256k1, brainpool): name the curve rather than call the CSR
		// unreadable.
		if curve := unknownCurve(der); curve != "" {
			e.Add(field, "csr.bad_curve", map[string]any{"Curve": curve})
		} else {
			e.Add(field, "csr.unreadable")
		}
		return CSR{}, e
	}
	var keyName string
	switch k := req.PublicKey.(type) {
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		keyName = "RSA " + strconv.Itoa(bits)
		if bits < MinRSABits {
			e.Add(field, "csr.weak_rsa", map[string]any{"Bits": bits})
			return CSR{}, e
		}
		if bits%8 != 0 || bits > MaxRSABits || k.E < 3 || k.E%2 == 0 {
			e.Add(field, "csr.unsupported_key", map[string]any{"Key": keyName})
			return CSR{}, e
		}
	case *ecdsa.PublicKey:
		name := k.Curve.Params().Name
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			e.Add(field, "csr.bad_curve", map[string]any{"Curve": name})
			return CSR{}, e
		}
		keyName = "ECDSA " + name
	default:
		e.Add(field, "csr.unsupported_key", map[string]any{"Key": keyAlgorithmName(req)})
		return CSR{}, e
	}
	if err := req.CheckSignature(); err != nil {
		e.Add(field, "csr.bad_signature")
		return CSR{}, e
	}
	first := func(s []string) string {
		if len(s) == 0 {
			return ""
		}
		return s[0]
	}
	return CSR{
		DER:          req.Raw,
		PEM:          string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: req.Raw})),
		PublicKey:    req.PublicKey,
		KeyName:      keyName,
		CommonName:   req.Subject.CommonName,
		DNSNames:     req.DNSNames,
		Organization: first(req.Subject.Organization),
		Locality:     first(req.Subject.Locality),
		Province:     first(req.Subject.Province),
		Country:      first(req.Subject.Country),
	}, nil
}

// decodeCSRPEM returns the DER of the one CSR block in s. Text before the
// block (as openssl req -text prints) and after it is ignored, but not a
// second block (a second CSR, a private key). The base64 is read with every
// space and line break removed, so that CRLF and a CSR pasted into one line
// both read.
func decodeCSRPEM(s []byte) ([]byte, bool) {
	const begin, dashes = "-----BEGIN ", "-----"
	i := bytes.Index(s, []byte(begin))
	if i < 0 {
		return nil, false
	}
	s = s[i+len(begin):]
	i = bytes.Index(s, []byte(dashes))
	if i < 0 {
		return nil, false
	}
	typ := string(s[:i])
	if typ != "CERTIFICATE REQUEST" && typ != "NEW CERTIFICATE REQUEST" {
		return nil, false
	}
	s = s[i+len(dashes):]
	end := []byte("-----END " + typ + dashes)
	i = bytes.Index(s, end)
	if i < 0 || bytes.Contains(s[i+len(end):], []byte(begin)) {
		return nil, false
	}
	body := bytes.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s[:i])
	der, err := base64.StdEncoding.DecodeString(string(body))
	if err != nil || len(der) == 0 {
		return nil, false
	}
	return der, true
}

// rawCSR is as much of a CSR's structure (RFC 2986) as it takes to reach
// its key's algorithm.
type rawCSR struct {
	TBS struct {
		Raw       asn1.RawContent
		Version   int
		Subject   asn1.RawValue
		PublicKey struct {
			Raw       asn1.RawContent
			Algorithm pkix.AlgorithmIdentifier
			PublicKey asn1.BitString
		}
		RawAttributes []asn1.RawValue `asn1:"tag:0"`
	}
	SignatureAlgorithm pkix.AlgorithmIdentifier
	SignatureValue     asn1.BitString
}

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	// Curves that crypto/x509 does not parse, by the names users know.
	curveNames = map[string]string{
		"1.2.840.10045.3.1.1":   "P-192",
		"1.3.132.0.10":          "secp256k1",
		"1.3.36.3.3.2.8.1.1.7":  "brainpoolP256r1",
		"1.3.36.3.3.2.8.1.1.11": "brainpoolP384r1",
		"1.3.36.3.3.2.8.1.1.13": "brainpoolP512r1",
		"1.2.156.10197.1.301":   "SM2",
	}
	// Key algorithms that crypto/x509 does not parse in a CSR.
	keyAlgorithmNames = map[string]string{
		"1.2.840.113549.1.1.10": "RSASSA-PSS",
		"1.3.101.110":           "X25519",
		"1.3.101.111":           "X448",
		"1.3.101.113":           "Ed448",
	}
)

// unknownCurve returns the name (or the OID) of the named curve of der's
// EC key, or "" when der is no CSR with an EC key on a named curve.
func unknownCurve(der []byte) string {
	var c rawCSR
	if rest, err := asn1.Unmarshal(der, &c); err != nil || len(rest) != 0 {
		return ""
	}
	alg := c.TBS.PublicKey.Algorithm
	if !alg.Algorithm.Equal(oidECPublicKey) {
		return ""
	}
	var curve asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(alg.Parameters.FullBytes, &curve); err != nil || len(rest) != 0 {
		return ""
	}
	if name, ok := curveNames[curve.String()]; ok {
		return name
	}
	return curve.String()
}

// keyAlgorithmName names the key of a CSR that is neither RSA nor ECDSA.
func keyAlgorithmName(req *x509.CertificateRequest) string {
	if req.PublicKeyAlgorithm != x509.UnknownPublicKeyAlgorithm {
		return req.PublicKeyAlgorithm.String() // DSA, Ed25519
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(req.RawSubjectPublicKeyInfo, &spki); err != nil {
		return "?"
	}
	if name, ok := keyAlgorithmNames[spki.Algorithm.Algorithm.String()]; ok {
		return name
	}
	return spki.Algorithm.Algorithm.String()
}
