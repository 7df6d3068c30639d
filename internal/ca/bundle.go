package ca

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
)

// bundle is the parsed CA file: its two certificates and the intermediate's
// key. A root key in the file is checked against the root and dropped.
type bundle struct {
	root, intermediate *x509.Certificate
	key                crypto.Signer
}

// readBundle opens the file, refuses it when others may read or write it,
// and parses it. A missing file gives an error wrapping fs.ErrNotExist.
func readBundle(path string) (*bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ca: open the CA bundle: %w", err)
	}
	defer f.Close()
	if err := checkMode(f, path); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("ca: read the CA bundle %s: %w", path, err)
	}
	b, err := parseBundle(data)
	if err != nil {
		return nil, fmt.Errorf("ca: CA bundle %s: %w", path, err)
	}
	return b, nil
}

// checkMode refuses anything but a regular file with mode 0600 or stricter.
func checkMode(f *os.File, path string) error {
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("ca: stat the CA bundle: %w", err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("ca: CA bundle %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&^0o600 != 0 {
		return fmt.Errorf("ca: CA bundle %s has permissions %#o, wider than 0600: it holds private keys (chmod 600 it)", path, perm)
	}
	return nil
}

// parseBundle reads the PEM blocks: two certificates (root, then
// intermediate) and one or two private keys, told apart by their public keys.
func parseBundle(data []byte) (*bundle, error) {
	var certs []*x509.Certificate
	var keys []crypto.Signer
	for {
		block, rest := pem.Decode(data)
		if block == nil {
			break
		}
		data = rest
		cert, key, err := parseBlock(block)
		if err != nil {
			return nil, err
		}
		if cert != nil {
			certs = append(certs, cert)
		} else {
			keys = append(keys, key)
		}
	}
	if len(certs) != 2 {
		return nil, fmt.Errorf("want 2 certificates (root, intermediate), found %d", len(certs))
	}
	b := &bundle{root: certs[0], intermediate: certs[1]}
	if err := b.checkChain(); err != nil {
		return nil, err
	}
	return b, b.takeKeys(keys)
}

// parseBlock parses one PEM block as a certificate or a private key. Its
// errors never quote the block.
func parseBlock(block *pem.Block) (*x509.Certificate, crypto.Signer, error) {
	var key any
	var err error
	switch block.Type {
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("parse a certificate: %w", err)
		}
		return cert, nil, nil
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, nil, fmt.Errorf("unexpected PEM block %q (encrypted keys are not supported)", block.Type)
	}
	if err != nil {
		return nil, nil, errors.New("a private key does not parse")
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, errors.New("a private key cannot sign")
	}
	return nil, signer, nil
}

// checkChain checks that the root is a self-signed CA and that the
// intermediate is a CA signed by it that may sign certificates and CRLs and
// has a subject key id (which every leaf and CRL names).
func (b *bundle) checkChain() error {
	if !b.root.IsCA || b.root.CheckSignatureFrom(b.root) != nil {
		return errors.New("the first certificate is not a self-signed CA (the root)")
	}
	in := b.intermediate
	if !in.IsCA || in.CheckSignatureFrom(b.root) != nil {
		return errors.New("the second certificate is not a CA signed by the root (the intermediate)")
	}
	if in.KeyUsage&x509.KeyUsageCertSign == 0 || in.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return errors.New("the intermediate may not sign certificates and CRLs")
	}
	if len(in.SubjectKeyId) == 0 {
		return errors.New("the intermediate has no subject key id")
	}
	return nil
}

// takeKeys keeps the key of the intermediate; a key of the root is allowed
// (a development CA), any other key is an error.
func (b *bundle) takeKeys(keys []crypto.Signer) error {
	for _, k := range keys {
		switch {
		case matches(k, b.intermediate) && b.key == nil:
			b.key = k
		case matches(k, b.root) || matches(k, b.intermediate):
		default:
			return errors.New("a private key matches neither certificate")
		}
	}
	if b.key == nil {
		return errors.New("no private key for the intermediate")
	}
	return nil
}

// matches reports whether k is the private key of c.
func matches(k crypto.Signer, c *x509.Certificate) bool {
	pub, ok := k.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(c.PublicKey)
}

// encodeBundle writes the file's blocks in order: root, intermediate, the
// intermediate's key, then the root's key when given.
func encodeBundle(rootDER, intermediateDER []byte, keys ...crypto.Signer) ([]byte, error) {
	var buf bytes.Buffer
	_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: rootDER})
	_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: intermediateDER})
	for _, k := range keys {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return nil, fmt.Errorf("ca: encode a private key: %w", err)
		}
		_ = pem.Encode(&buf, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	return buf.Bytes(), nil
}
