package webhook

import (
	"net/netip"
	"testing"
)

func TestPrivateAddressesAreRecognised(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1": true, "::1": true, "10.0.0.8": true, "192.168.1.1": true,
		"172.16.0.1": true, "169.254.169.254": true, "100.64.0.1": true, "0.0.0.0": true, "::ffff:127.0.0.1": true,
		"fd00::1": true, "93.184.216.34": false, "2606:4700::1111": false} {
		if got := private(netip.MustParseAddr(addr)); got != want {
			t.Errorf("%s: private %v, want %v", addr, got, want)
		}
	}
}

func TestSignatureCoversTimestampAndBody(t *testing.T) {
	a := Sign("whsec_x", "1700000000", []byte(`{"id":"evt_1"}`))
	if a != Sign("whsec_x", "1700000000", []byte(`{"id":"evt_1"}`)) || len(a) != 3+64 {
		t.Fatalf("signature %q", a)
	}
	for _, other := range []string{Sign("whsec_y", "1700000000", []byte(`{"id":"evt_1"}`)),
		Sign("whsec_x", "1700000001", []byte(`{"id":"evt_1"}`)), Sign("whsec_x", "1700000000", []byte(`{"id":"evt_2"}`))} {
		if other == a {
			t.Error("signature does not depend on every input")
		}
	}
}
