// Package ca is the portal's issuing certificate authority. It is a
// two-level hierarchy: a root, which only signs the intermediate, and the
// intermediate, which signs the TLS server certificates ordered through the
// portal and the CRL that revokes them. The certificate-order domain calls
// Issue with the public key from the customer's CSR and the names it has
// validated, stores the serial (SerialHex), gives the customer ChainPEM, and
// publishes CRL at the URL that every issued certificate names.
//
// The CA bundle is one PEM file holding, in this order: the root
// certificate, the intermediate certificate, the intermediate's private key
// and — for a development CA only — the root's private key (a production
// root key stays offline and is not in the file). Because it holds keys, the
// file must have mode 0600 or stricter; Open refuses it otherwise. A
// development portal creates the bundle on its first start (Open with
// create); production must be given an existing one.
//
// No private key is ever printed: an Authority formats as its names only,
// and no error carries key material.
package ca

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"time"
)

// Authority issues leaf certificates from an intermediate that chains to a
// root. It is safe for concurrent use: nothing in it changes after Open.
type Authority struct {
	root         *x509.Certificate
	intermediate *x509.Certificate
	key          privateKey // the intermediate's
	crlURL       string
}

// Open loads the CA bundle at path. When the file does not exist and create
// is true (development), it creates a new root (ECDSA P-384, 25 years from
// now) and intermediate (ECDSA P-256, 10 years from now, path length 0,
// certificate and CRL signing), writes them with their keys to path (mode
// 0600, a missing directory 0700) and loads that file. When create is false
// a missing file is an error naming path. An existing file with a mode
// wider than 0600 is refused. crlURL (an absolute http or https URL) goes
// into every issued certificate's CRL distribution points.
func Open(path string, create bool, now time.Time, crlURL string) (*Authority, error) {
	if err := checkCRLURL(crlURL); err != nil {
		return nil, err
	}
	b, err := readBundle(path)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, fmt.Errorf("ca: no CA bundle at %s (production must be configured with an existing CA): %w", path, err)
		}
		b, err = createBundle(path, now)
	}
	if err != nil {
		return nil, err
	}
	return &Authority{root: b.root, intermediate: b.intermediate, key: privateKey{b.key}, crlURL: crlURL}, nil
}

// checkCRLURL accepts an absolute http or https URL with a host.
func checkCRLURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("ca: the CRL URL %q is not an absolute http(s) URL", s)
	}
	return nil
}

// Root returns the root certificate (the trust anchor).
func (a *Authority) Root() *x509.Certificate { return a.root }

// Intermediate returns the issuing certificate.
func (a *Authority) Intermediate() *x509.Certificate { return a.intermediate }

// String names the authority's certificates and CRL URL, never its key.
func (a Authority) String() string {
	return fmt.Sprintf("ca.Authority{root: %q, intermediate: %q, crl: %q}",
		commonName(a.root), commonName(a.intermediate), a.crlURL)
}

// GoString is String, so that %#v shows no key either.
func (a Authority) GoString() string { return a.String() }

// Format prints String for every verb (%v, %+v, %#v, %s, %x, %d…), so that no
// verb makes fmt walk the fields.
func (a Authority) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }

func commonName(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return c.Subject.CommonName
}

// privateKey holds a signing key and prints as a placeholder.
type privateKey struct{ signer crypto.Signer }

// String hides the key.
func (privateKey) String() string { return "[private key]" }

// Format prints String for every verb.
func (k privateKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }
