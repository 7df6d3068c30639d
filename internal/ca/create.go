package ca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// The development CA's names.
const (
	devOrganization     = "CCP Partner Portal (development)"
	devRootName         = "CCP Partner Portal Development Root CA"
	devIntermediateName = "CCP Partner Portal Development Issuing CA"
)

// createBundle makes a development CA, writes it to path and reads the file
// back. When another process created the file first, its CA is the one
// returned, so that every instance sharing the path uses the same CA.
func createBundle(path string, now time.Time) (*bundle, error) {
	data, err := newDevelopmentCA(now)
	if err != nil {
		return nil, err
	}
	if err := publish(path, data); err != nil {
		return nil, err
	}
	return readBundle(path)
}

// newDevelopmentCA returns the PEM bundle of a new root (P-384, 25 years)
// and intermediate (P-256, 10 years), with both keys.
func newDevelopmentCA(now time.Time) ([]byte, error) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ca: generate the root key: %w", err)
	}
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ca: generate the intermediate key: %w", err)
	}
	rootTmpl, err := caTemplate(devRootName, now, now.AddDate(25, 0, 0))
	if err != nil {
		return nil, err
	}
	rootDER, err := sign(rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		return nil, err
	}
	interDER, err := signIntermediate(rootDER, rootKey, interKey, now)
	if err != nil {
		return nil, err
	}
	return encodeBundle(rootDER, interDER, interKey, rootKey)
}

// signIntermediate makes the intermediate, valid 10 years, which may issue
// only leaves (path length 0).
func signIntermediate(rootDER []byte, rootKey crypto.Signer, key crypto.Signer, now time.Time) ([]byte, error) {
	root, err := x509.ParseCertificate(rootDER)
	if err != nil {
		return nil, fmt.Errorf("ca: parse the new root: %w", err)
	}
	tmpl, err := caTemplate(devIntermediateName, now, now.AddDate(10, 0, 0))
	if err != nil {
		return nil, err
	}
	tmpl.MaxPathLenZero = true
	return sign(tmpl, root, key.Public(), rootKey)
}

// caTemplate is a CA certificate that signs certificates and CRLs. The
// x509 package adds its subject key id.
func caTemplate(name string, notBefore, notAfter time.Time) (*x509.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{devOrganization}},
		NotBefore:             notBefore.UTC(),
		NotAfter:              notAfter.UTC(),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil
}

// sign creates the certificate tmpl for pub, signed by parent's key.
func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, parentKey crypto.Signer) ([]byte, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		return nil, fmt.Errorf("ca: sign %q: %w", tmpl.Subject.CommonName, err)
	}
	return der, nil
}

// publish writes data to path atomically without replacing a file that is
// already there: a private temporary file in the same directory (created
// 0700 when missing), synced, then hard-linked to path. A file that appeared
// meanwhile (another instance creating the CA) is left as it is. On a file
// system without hard links it falls back to a rename.
func publish(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("ca: create the CA directory: %w", err)
	}
	tmp, err := writeTemp(dir, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("ca: write the CA bundle: %w", err)
		}
	}
	return syncDir(dir)
}

// writeTemp writes data to a new file of mode 0600 in dir and syncs it.
func writeTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, ".ca-*.tmp") // mode 0600
	if err != nil {
		return "", fmt.Errorf("ca: create a temporary file: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("ca: write a temporary file: %w", err)
	}
	return f.Name(), nil
}

// syncDir makes the new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("ca: open the CA directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("ca: sync the CA directory: %w", err)
	}
	return nil
}
