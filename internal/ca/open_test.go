package ca_test

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/ca"
)

func TestOpenCreatesAPrivateBundleAndReopensIt(t *testing.T) {
	a, path := openDev(t, now)
	for p, want := range map[string]fs.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %#o, want %#o", p, got, want)
		}
	}
	again, err := ca.Open(path, false, now.Add(time.Hour), crlURL)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	if !bytes.Equal(again.Root().Raw, a.Root().Raw) || !bytes.Equal(again.Intermediate().Raw, a.Intermediate().Raw) {
		t.Error("the second Open loaded another CA")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the CA directory holds %d entries, want only the bundle (no temporary file left)", len(entries))
	}
}

func TestOpenCreatesTheProfileOfTheDevelopmentCA(t *testing.T) {
	a, path := openDev(t, now)
	root, in := a.Root(), a.Intermediate()
	if got := root.PublicKeyAlgorithm.String() + " " + root.SignatureAlgorithm.String(); got != "ECDSA ECDSA-SHA384" {
		t.Errorf("root key and signature: %s", got)
	}
	if !root.NotBefore.Equal(now) || !root.NotAfter.Equal(now.AddDate(25, 0, 0)) {
		t.Errorf("root valid %s – %s, want 25 years from %s", root.NotBefore, root.NotAfter, now)
	}
	if !in.NotBefore.Equal(now) || !in.NotAfter.Equal(now.AddDate(10, 0, 0)) {
		t.Errorf("intermediate valid %s – %s, want 10 years from %s", in.NotBefore, in.NotAfter, now)
	}
	if !in.IsCA || in.MaxPathLen != 0 || !in.MaxPathLenZero {
		t.Errorf("intermediate: IsCA %v, MaxPathLen %d (zero %v), want a CA with path length 0", in.IsCA, in.MaxPathLen, in.MaxPathLenZero)
	}
	if in.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
		t.Errorf("intermediate key usage %b, want cert sign and CRL sign", in.KeyUsage)
	}
	if err := in.CheckSignatureFrom(root); err != nil {
		t.Errorf("intermediate not signed by the root: %v", err)
	}
	var types []string
	for _, b := range pemBlocks(t, path) {
		types = append(types, b.Type)
	}
	if got := strings.Join(types, ","); got != "CERTIFICATE,CERTIFICATE,PRIVATE KEY,PRIVATE KEY" {
		t.Errorf("bundle blocks %s, want root, intermediate, intermediate key, root key", got)
	}
}

func TestOpenWithoutCreateNamesTheMissingPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "bundle.pem")
	_, err := ca.Open(path, false, now, crlURL)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open(missing, create=false) = %v, want an error naming %s", err, path)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Error("Open without create made the directory")
	}
}

func TestOpenRefusesAFileReadableByOthers(t *testing.T) {
	_, path := openDev(t, now)
	for _, mode := range []fs.FileMode{0o644, 0o640, 0o604, 0o660, 0o700} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := ca.Open(path, true, now, crlURL)
		if err == nil || !strings.Contains(err.Error(), "wider than 0600") {
			t.Errorf("mode %#o: Open = %v, want a refusal", mode, err)
		}
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Open(path, false, now, crlURL); err != nil {
		t.Errorf("mode 0400: %v", err)
	}
}

func TestOpenRefusesABundleThatIsNotACA(t *testing.T) {
	_, path := openDev(t, now)
	blocks := pemBlocks(t, path) // root, intermediate, intermediate key, root key
	_, otherPath := openDev(t, now)
	other := pemBlocks(t, otherPath)
	cases := map[string][]*pem.Block{
		"no intermediate key":       {blocks[0], blocks[1], blocks[3]},
		"another CA's key":          {blocks[0], blocks[1], blocks[2], other[2]},
		"only another CA's key":     {blocks[0], blocks[1], other[2]},
		"certificates swapped":      {blocks[1], blocks[0], blocks[2]},
		"another CA's intermediate": {blocks[0], other[1], other[2]},
		"one certificate":           {blocks[1], blocks[2]},
		"encrypted key":             {blocks[0], blocks[1], {Type: "ENCRYPTED PRIVATE KEY", Bytes: blocks[2].Bytes}},
		"empty":                     nil,
	}
	for name, bs := range cases {
		if _, err := ca.Open(writeBlocks(t, bs...), false, now, crlURL); err == nil {
			t.Errorf("%s: Open accepted the bundle", name)
		}
	}
	production := writeBlocks(t, blocks[0], blocks[1], blocks[2]) // no root key
	if _, err := ca.Open(production, false, now, crlURL); err != nil {
		t.Errorf("a bundle without the root key (production): %v", err)
	}
}

func TestOpenRefusesABadCRLURL(t *testing.T) {
	for _, u := range []string{"", "/ca.crl", "ldap://x/ca.crl", "http:///ca.crl"} {
		if _, err := ca.Open(filepath.Join(t.TempDir(), "b.pem"), true, now, u); err == nil {
			t.Errorf("Open accepted the CRL URL %q", u)
		}
	}
}

func TestConcurrentCreatesAgreeOnOneCA(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bundle.pem")
	roots := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range roots {
		wg.Go(func() {
			a, err := ca.Open(path, true, now, crlURL)
			if err != nil {
				t.Error(err)
				return
			}
			roots[i] = a.Root().Raw
		})
	}
	wg.Wait()
	for i := range roots {
		if !bytes.Equal(roots[i], roots[0]) {
			t.Fatalf("Open %d returned another root than Open 0", i)
		}
	}
}
