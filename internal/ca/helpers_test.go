package ca_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/ca"
)

// now is the business time of most tests: after the 200-day reduction.
var now = time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)

const crlURL = "http://portal.example.test/ca/intermediate.crl"

// openDev creates a development CA in a new directory at created.
func openDev(t *testing.T, created time.Time) (*ca.Authority, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca", "bundle.pem")
	a, err := ca.Open(path, true, created, crlURL)
	if err != nil {
		t.Fatalf("Open(create): %v", err)
	}
	return a, path
}

func ecdsaKey(t *testing.T, curve elliptic.Curve) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func rsaKey(t *testing.T, bits int) crypto.Signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// pemBlocks reads every PEM block of the file.
func pemBlocks(t *testing.T, path string) []*pem.Block {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []*pem.Block
	for {
		b, rest := pem.Decode(data)
		if b == nil {
			return blocks
		}
		blocks, data = append(blocks, b), rest
	}
}

// writeBlocks writes blocks to a new 0600 file and returns its path.
func writeBlocks(t *testing.T, blocks ...*pem.Block) string {
	t.Helper()
	var data []byte
	for _, b := range blocks {
		data = append(data, pem.EncodeToMemory(b)...)
	}
	path := filepath.Join(t.TempDir(), "bundle.pem")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeFile writes data into dir/name.
func writeFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func certPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// openssl runs openssl in dir and returns its combined output; it skips the
// test when openssl is not installed and fails it when openssl fails.
func openssl(t *testing.T, dir string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed: the cross-check with OpenSSL is skipped")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
