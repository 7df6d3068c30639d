package pdf

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

func TestWrapKeepsEveryCharacterAndKinsoku(t *testing.T) {
	d := New(20)
	d.SetFontSize(10)
	text := "このバウチャーコードは、上記の証明書と関連機能にのみ有効で、1回の利用に限り有効です。自動改行でも文字が欠けないこと。"
	for _, width := range []float64{30, 47.5, 80, 170} {
		lines := Wrap(d, text, width)
		if got := strings.Join(lines, ""); got != text {
			t.Fatalf("width %v: characters lost:\n%q\n%q", width, got, text)
		}
		for _, l := range lines {
			if d.GetStringWidth(l) > width+0.01 {
				t.Errorf("width %v: line %q is %v wide", width, l, d.GetStringWidth(l))
			}
			if r := []rune(l); len(r) > 0 && strings.ContainsRune("。、）ー", r[0]) {
				t.Errorf("width %v: line starts with %q", width, string(r[0]))
			}
		}
	}
	english := Wrap(d, "The voucher code is valid for the certificate above only.", 40)
	for _, l := range english[:len(english)-1] {
		if strings.HasSuffix(l, " ") || strings.Contains(" "+l+" ", " certific ") {
			t.Errorf("English broken inside a word or with a trailing space: %q", english)
		}
	}
}

func TestJapaneseTextSurvivesExtraction(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is needed (apt-get install poppler-utils)")
	}
	d := New(20)
	d.AddPage()
	d.SetFontSize(12)
	Paragraph(d, 20, 30, 60, 6, "自動改行のテスト:デジサート グローバル・サーバID ワイルドカードの証明書バウチャーです。")
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = &buf
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	squeeze := strings.NewReplacer("\n", "", " ", "", "\f", "")
	if !strings.Contains(squeeze.Replace(string(out)), "自動改行のテスト:デジサートグローバル・サーバIDワイルドカードの証明書バウチャーです。") {
		t.Errorf("extracted %q", out)
	}
}

// TestWrapAndFitMatchTheirFirstVersions: bisection in Wrap and computed
// widths in Fit give the results of measuring rune by rune and size by
// size, font size left behind included.
func TestWrapAndFitMatchTheirFirstVersions(t *testing.T) {
	d := New(20)
	d.AddPage()
	texts := []string{"このバウチャーコードは、上記の証明書と関連機能にのみ有効で、1回の利用に限り有効です。",
		"The voucher code is valid for the certificate above only, and only once.", "x", "",
		"https://portal.example/secure/orders/expiring/?product=ssl_global_server_id&vc=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"}
	linear := func(rs []rune, width float64) int {
		for n := 1; n <= len(rs); n++ {
			if d.GetStringWidth(string(rs[:n])) > width {
				return max(1, n-1)
			}
		}
		return len(rs)
	}
	loop := func(text string, width, size, min float64) float64 {
		for ; size > min; size -= 0.5 {
			d.SetFontSize(size)
			if d.GetStringWidth(text) <= width {
				return size
			}
		}
		return min
	}
	for _, text := range texts {
		for _, width := range []float64{0.1, 5, 30, 47.5, 80, 122, 170} {
			d.SetFontSize(9)
			if rs := []rune(text); len(rs) > 0 {
				if got, want := fitting(d.GetStringWidth, rs, width), linear(rs, width); got != want {
					t.Errorf("fitting %q in %v: %d, want %d", text, width, got, want)
				}
			}
			for _, sizes := range [][2]float64{{15, 6}, {10, 5}, {11, 6}, {6, 6}, {5, 6}} {
				d.SetFontSize(12)
				want := loop(text, width, sizes[0], sizes[1])
				_, wantLeft := d.GetFontSize()
				d.SetFontSize(12)
				got := Fit(d, text, width, sizes[0], sizes[1])
				if _, left := d.GetFontSize(); got != want || left != wantLeft {
					t.Errorf("Fit %q in %v from %v: %v (font %v), want %v (font %v)", text, width, sizes, got, left, want, wantLeft)
				}
			}
		}
	}
}
