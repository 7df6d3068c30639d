package ca_test

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/internal/ca"
)

func TestPrintingAnAuthorityShowsNoKey(t *testing.T) {
	a, path := openDev(t, now)
	var secrets []string
	for _, b := range pemBlocks(t, path)[2:] { // the intermediate's key, the root's key
		key, err := x509.ParsePKCS8PrivateKey(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		d, err := key.(*ecdsa.PrivateKey).Bytes()
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, hex.EncodeToString(d), strings.ToUpper(hex.EncodeToString(d)), new(big.Int).SetBytes(d).String())
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("ca", "authority", a, "value", *a)
	printed := fmt.Sprintf("%v %+v %#v %s %d %x %v %+v %#v", a, a, a, a, a, a, *a, *a, *a) +
		fmt.Sprintf("%+v %#v", struct{ A *ca.Authority }{a}, []*ca.Authority{a}) + logged.String()
	if strings.Contains(printed, "PRIVATE KEY") {
		t.Errorf("printing an Authority shows a PEM key:\n%s", printed)
	}
	for _, s := range secrets {
		if strings.Contains(printed, s) {
			t.Errorf("printing an Authority shows a key's D value %s:\n%s", s, printed)
		}
	}
	if !strings.Contains(printed, a.Intermediate().Subject.CommonName) {
		t.Errorf("printing an Authority does not name its intermediate:\n%s", printed)
	}
}
