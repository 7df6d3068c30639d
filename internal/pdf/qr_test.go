package pdf

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"rsc.io/qr"
)

// TestQRHasTheModulesOfQREncode decodes the PNG and compares every pixel
// with the modules qr.Encode makes (level M): QRScale pixels a module, a
// white border of four modules.
func TestQRHasTheModulesOfQREncode(t *testing.T) {
	var q QR
	for _, text := range []string{"12345", "HELLO WORLD", strings.Repeat("x", 300),
		"https://portal.example/secure/requests/ssl_certificate/ssl_global_server_id?vc=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
		"https://portal.example/secure/orders/expiring/?product=ssl_global_server_id&vc=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"} {
		b, err := q.PNG(text)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		want, err := qr.Encode(text, qr.M)
		if err != nil {
			t.Fatal(err)
		}
		side := (want.Size + 8) * QRScale
		if img.Bounds() != image.Rect(0, 0, side, side) {
			t.Fatalf("%q: %v, want %d pixels square", text, img.Bounds(), side)
		}
		for py := range side {
			for px := range side {
				r, _, _, _ := img.At(px, py).RGBA()
				if black := r == 0; black != want.Black(px/QRScale-4, py/QRScale-4) {
					t.Fatalf("%q: pixel (%d, %d) black=%v", text, px, py, black)
				}
			}
		}
	}
	if _, err := q.PNG(strings.Repeat("x", 3000)); err == nil {
		t.Error("no error for a text too long")
	}
}
