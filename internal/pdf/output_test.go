package pdf

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// TestOutputIsFpdfsCompressedOutput: Output writes exactly the bytes fpdf
// writes with its own compression, for a document of many pages with
// Japanese text, images and links.
func TestOutputIsFpdfsCompressedOutput(t *testing.T) {
	when := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	fpdf.SetDefaultCreationDate(when)
	fpdf.SetDefaultModificationDate(when)
	fpdf.SetDefaultCatalogSort(true)
	defer func() {
		fpdf.SetDefaultCreationDate(time.Time{})
		fpdf.SetDefaultModificationDate(time.Time{})
		fpdf.SetDefaultCatalogSort(false)
	}()
	var qr QR
	lengths := []int{10, 20, 40, 60, 80, 100, 120, 150, 175, 210, 250, 285}
	build := func() *fpdf.Fpdf {
		d := New(20)
		d.SetTitle("証明書バウチャー", true)
		for i := range 12 {
			d.AddPage()
			d.SetFontSize(float64(9 + i%5))
			Paragraph(d, 20, 30, 170, 5, fmt.Sprintf("%d: 自動改行のテスト (parentheses) \\ backslash デジサート グローバル・サーバID", i))
			// fpdf orders images by width only: one QR version a page
			// keeps the two documents' image order the same.
			png, err := qr.PNG(strings.Repeat("x", lengths[i])) // versions 1 to 12
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprint("qr", i)
			d.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
			d.ImageOptions(name, 150, 14, 40, 40, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			d.LinkString(20, 60, 50, 5, "https://portal.example/a?b=c&d=(e)")
		}
		return d
	}
	var want, got bytes.Buffer
	if err := build().Output(&want); err != nil {
		t.Fatal(err)
	}
	if err := Output(build(), &got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		g, w := got.Bytes(), want.Bytes()
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		t.Fatalf("Output differs from fpdf's compressed output: %d and %d bytes, first at %d:\n%q\n%q", len(g), len(w), i, g[max(0, i-80):min(len(g), i+40)], w[max(0, i-80):min(len(w), i+40)])
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is needed (apt-get install poppler-utils)")
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = &got
	out, err := cmd.Output()
	if err != nil || strings.Count(string(out), "\f") != 12 || !strings.Contains(string(out), "11: 自動改行のテスト") {
		t.Errorf("pdftotext: %v\n%s", err, out)
	}
}

func TestOutputRefusesWhatItCannotRead(t *testing.T) {
	for _, doc := range []string{"", "%PDF-1.3\nnot a pdf", "%PDF-1.3\n1 0 obj\n<<>>\nendobj\nxref\n0 2\n0000000000 65535 f \nstartxref\n9\n%%EOF\n"} {
		if err := compressPages([]byte(doc), &bytes.Buffer{}); err == nil {
			t.Errorf("%q: no error", doc)
		}
	}
}

// TestOutputKeepsAliasNbPages: fpdf replaces the total-pages alias in the
// page contents before Output compresses them, so a document that numbers
// its pages with AliasNbPages (Document does it in a second pass instead)
// still reads "n / total" and is fpdf's compressed output byte for byte.
func TestOutputKeepsAliasNbPages(t *testing.T) {
	when := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	build := func() *fpdf.Fpdf {
		d := New(20)
		d.SetCreationDate(when)
		d.SetModificationDate(when)
		d.AliasNbPages("")
		for i := range 3 {
			d.AddPage()
			d.Text(20, 30, fmt.Sprintf("明細 %d / {nb}", i+1))
		}
		return d
	}
	var want, got bytes.Buffer
	if err := build().Output(&want); err != nil {
		t.Fatal(err)
	}
	if err := Output(build(), &got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("Output differs from fpdf's compressed output: %d and %d bytes", got.Len(), want.Len())
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is needed (apt-get install poppler-utils)")
	}
	cmd := exec.Command("pdftotext", "-raw", "-", "-")
	cmd.Stdin = &got
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "明細 1 / 3\n\f明細 2 / 3\n\f明細 3 / 3") {
		t.Errorf("pdftotext: %v\n%q", err, out)
	}
}
