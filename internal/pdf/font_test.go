package pdf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFaceMeasuresAsFpdf: the font read once per process gives every BMP
// character the width fpdf gives it, so that documents are laid out as
// they were when fpdf read the font for each of them.
func TestFaceMeasuresAsFpdf(t *testing.T) {
	f, err := ipaexFace()
	if err != nil {
		t.Fatal(err)
	}
	d := New(20)
	for r := rune(1); r < 0xFFFF; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue // surrogates: not characters
		}
		if got, want := f.width(r), d.GetStringSymbolWidth(string(r)); got != want {
			t.Fatalf("%U: width %d, fpdf %d", r, got, want)
		}
	}
	text := "請求書 INV000123 ¥1,094,500 デジサート・ジャパン合同会社（東京）"
	if got, want := f.units(text), d.GetStringSymbolWidth(text); got != want {
		t.Errorf("units %d, fpdf %d", got, want)
	}
}

// TestDocumentDrawsAsFpdf: text that a Document draws in its own subset of
// the font looks exactly like the same text drawn by fpdf with the font it
// reads itself (the pages rendered at 150 dpi are the same pixels), and
// reads back the same.
func TestDocumentDrawsAsFpdf(t *testing.T) {
	lines := []string{
		"請求書 INV000123 発行日 2026年11月1日",
		"ご請求金額 ¥1,094,500（税込）、お支払期限：2026年12月31日",
		"The quick brown fox jumps over the lazy dog. 0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
		"ＡＢＣ　ａｂｃ　１２３　ｱｲｳｴｵ　ぁぃぅ　ヴァ　〒100-0005　①②③　※→←",
		"https://portal.example/secure/requests/ssl_certificate/ssl_global_server_id?vc=ABCDEFGH",
	}
	doc := NewDocument(Options{Date: issued})
	doc.AddPage()
	ref := New(20)
	ref.SetCreationDate(issued)
	ref.SetModificationDate(issued)
	ref.AddPage()
	for i, line := range lines {
		size := float64(8 + 2*i)
		y := 30 + 20*float64(i)
		doc.SetFontSize(size)
		ref.SetFontSize(size)
		doc.Fpdf().SetTextColor(40*i, 0, 0)
		ref.SetTextColor(40*i, 0, 0)
		doc.TextAt(15, y, line)
		ref.Text(15, y, line)
		// Right-aligned, as tables and totals are: the widths agree.
		doc.TextAt(195-doc.StringWidth(line[:12]), y+8, line[:12])
		ref.Text(195-ref.GetStringWidth(line[:12]), y+8, line[:12])
	}
	got := render(t, doc)
	var want bytes.Buffer
	if err := Output(ref, &want); err != nil {
		t.Fatal(err)
	}
	if g, w := rasterize(t, got), rasterize(t, want.Bytes()); !bytes.Equal(g, w) {
		t.Error("the Document's text does not look like fpdf's")
	}
	if g, w := pages(t, got), pages(t, want.Bytes()); strings.Join(g, "\f") != strings.Join(w, "\f") {
		t.Errorf("the Document's text reads\n%s\nfpdf's\n%s", g, w)
	}
	if len(got) >= want.Len()*3/4 {
		t.Errorf("%d bytes, fpdf's %d: the subset is not smaller", len(got), want.Len())
	}
}

// rasterize is doc's pages rendered in grey at 150 dpi (pdftoppm).
func rasterize(t *testing.T, doc []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm is needed (apt-get install poppler-utils)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-gray", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "page*.pgm"))
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// TestCharactersBeyondTheBMP: a character outside the Basic Multilingual
// Plane that the font has (𠮟, U+20B9F) is drawn with its glyph and its
// width, and reads back; fpdf's own font handling knew only the BMP.
func TestCharactersBeyondTheBMP(t *testing.T) {
	f, err := ipaexFace()
	if err != nil {
		t.Fatal(err)
	}
	if f.glyph('𠮟') == 0 || f.width('𠮟') != 1000 {
		t.Fatalf("𠮟: glyph %d, width %d", f.glyph('𠮟'), f.width('𠮟'))
	}
	doc := NewDocument(Options{Date: issued})
	doc.Text("𠮟責 と 叱責")
	if text := pages(t, render(t, doc)); !strings.Contains(text[0], "𠮟責 と 叱責") {
		t.Errorf("reads %q", text)
	}
}

// TestSubsetKeepsTheOutlinesWithoutHints: the subset has .notdef and one
// glyph per character, in order, with the font's advances and outlines
// byte for byte, less the hinting instructions; no hinting tables.
func TestSubsetKeepsTheOutlinesWithoutHints(t *testing.T) {
	f, err := ipaexFace()
	if err != nil {
		t.Fatal(err)
	}
	runes := []rune("請A、𠮟\u0001")
	font, err := f.subset(runes)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string][]byte{}
	for i := range int(be16(font[4:])) {
		rec := font[12+16*i:]
		off, size := be32(rec[8:]), be32(rec[12:])
		tables[string(rec[:4])] = font[off : off+size]
		if sum := checksum(font[off : off+size]); string(rec[:4]) != "head" && sum != be32(rec[4:]) {
			t.Errorf("%s: checksum %08x, recorded %08x", rec[:4], sum, be32(rec[4:]))
		}
	}
	if checksum(font) != 0xB1B0AFBA {
		t.Errorf("the font's checksum is %08x", checksum(font))
	}
	for _, name := range []string{"fpgm", "prep", "cvt ", "gasp", "cmap", "GSUB"} {
		if tables[name] != nil {
			t.Errorf("the subset has %q", name)
		}
	}
	n := int(be16(tables["maxp"][4:]))
	if n != len(runes)+1 || int(be16(tables["hhea"][34:])) != n {
		t.Fatalf("%d glyphs, want %d", n, len(runes)+1)
	}
	long := be16(tables["head"][50:]) == 1
	glyph := func(i int) []byte {
		if long {
			return tables["glyf"][be32(tables["loca"][4*i:]):be32(tables["loca"][4*i+4:])]
		}
		return tables["glyf"][2*int(be16(tables["loca"][2*i:])) : 2*int(be16(tables["loca"][2*i+2:]))]
	}
	for i := range n {
		g := uint16(0)
		if i > 0 {
			g = f.glyph(runes[i-1])
		}
		if adv := be16(tables["hmtx"][4*i:]); adv != f.advances[g] {
			t.Errorf("glyph %d: advance %d, the font's %d", i, adv, f.advances[g])
		}
		orig, sub := f.tables["glyf"][f.loca[g]:f.loca[g+1]], glyph(i)
		if len(orig) == 0 {
			if len(sub) != 0 {
				t.Errorf("glyph %d: %d bytes for an empty glyph", i, len(sub))
			}
			continue
		}
		contours := int(int16(be16(orig)))
		at := 10 + 2*contours
		ins := int(be16(orig[at:]))
		if be16(sub[at:]) != 0 {
			t.Errorf("glyph %d keeps its instructions", i)
		}
		if !bytes.Equal(sub[:at], orig[:at]) || !bytes.HasPrefix(orig[at+2+ins:], bytes.TrimRight(sub[at+2:], "\x00")) {
			t.Errorf("glyph %d: the outline differs from the font's", i)
		}
	}
}

// TestCompositeGlyphsAreRenumbered: a composite glyph's components get
// their numbers in the subset, and its instructions are dropped. (The
// embedded font has no composite glyphs; another font might.)
func TestCompositeGlyphsAreRenumbered(t *testing.T) {
	glyph := []byte{0xFF, 0xFF, 0, 0, 0, 0, 0, 10, 0, 10} // -1 contours, bounding box
	glyph = binary.BigEndian.AppendUint16(glyph, argsAreWords|moreComponents|haveScale)
	glyph = binary.BigEndian.AppendUint16(glyph, 700)
	glyph = append(glyph, 0, 1, 0, 2, 0x40, 0) // two word arguments, a scale
	glyph = binary.BigEndian.AppendUint16(glyph, haveInstruction)
	glyph = binary.BigEndian.AppendUint16(glyph, 900)
	glyph = append(glyph, 3, 4) // two byte arguments
	glyph = append(glyph, 0, 2, 0xB0, 0x01)
	numbers := map[uint16]uint16{700: 5, 900: 6}
	got, err := appendComposite(nil, glyph, func(g uint16) uint16 { return numbers[g] })
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte(nil), glyph[:10]...)
	want = binary.BigEndian.AppendUint16(want, argsAreWords|moreComponents|haveScale)
	want = binary.BigEndian.AppendUint16(want, 5)
	want = append(want, 0, 1, 0, 2, 0x40, 0)
	want = binary.BigEndian.AppendUint16(want, 0)
	want = binary.BigEndian.AppendUint16(want, 6)
	want = append(want, 3, 4)
	if !bytes.Equal(got, want) {
		t.Errorf("got  % x\nwant % x", got, want)
	}
}

// TestFlushKeepsEveryPage: a document flushed now and then (the footer and
// stamp drawn at each flush) reads and looks exactly like the same
// document written at once; a flush just before Write adds no blank page;
// page numbers, which need the total, refuse to flush.
func TestFlushKeepsEveryPage(t *testing.T) {
	build := func(flush bool) *Document {
		doc := NewDocument(Options{Title: "証明書バウチャー", Date: issued, Footer: "STM000123", Stamp: "無効 / VOID"})
		for i := range 7 {
			if flush && (i == 2 || i == 5) {
				doc.Flush()
			}
			doc.AddPage()
			doc.Fpdf().SetTextColor(0, 0, 200)
			doc.Heading(fmt.Sprintf("%d ページ目", i+1))
			doc.Text(strings.Repeat("バウチャーの利用方法と注意事項です。", i+1))
			doc.Fpdf().LinkString(20, 60, 50, 5, fmt.Sprintf("https://portal.example/a?b=(%d 0 R)", i))
		}
		doc.Flush()
		return doc
	}
	whole, flushed := render(t, build(false)), render(t, build(true))
	if w, f := pages(t, whole), pages(t, flushed); len(f) != 7 || strings.Join(w, "\f") != strings.Join(f, "\f") {
		t.Errorf("the flushed document reads\n%s\nwritten at once\n%s", f, w)
	}
	if !bytes.Equal(rasterize(t, whole), rasterize(t, flushed)) {
		t.Error("the flushed document does not look like the one written at once")
	}
	for _, doc := range [][]byte{whole, flushed} {
		if n := bytes.Count(doc, []byte("/URI (https://portal.example/a?b=\\(")); n != 7 {
			t.Errorf("%d links, want 7", n)
		}
	}
	doc := NewDocument(Options{PageNumbers: true})
	doc.Text("1")
	doc.Flush()
	if err := doc.Write(&bytes.Buffer{}); err == nil {
		t.Error("no error for a flushed document with page numbers")
	}
}

// TestDocumentWrapsAndFitsAsFpdf: Document's wrapping and fitting, which
// measure with the font read once, break and size text as Wrap and Fit do
// with fpdf's.
func TestDocumentWrapsAndFitsAsFpdf(t *testing.T) {
	doc := NewDocument(Options{})
	doc.AddPage()
	d := New(20)
	d.AddPage()
	texts := []string{"このバウチャーコードは、上記の証明書と関連機能にのみ有効で、1回の利用に限り有効です。",
		"The voucher code is valid for the certificate above only, and only once.", "x", "",
		"https://portal.example/secure/orders/expiring/?product=ssl_global_server_id&vc=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"}
	for _, text := range texts {
		for _, width := range []float64{0.1, 5, 30, 47.5, 80, 122, 170} {
			doc.SetFontSize(9)
			d.SetFontSize(9)
			if got, want := doc.wrap(text, width), Wrap(d, text, width); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("wrap %q in %v: %q, fpdf %q", text, width, got, want)
			}
			for _, sizes := range [][2]float64{{15, 6}, {10, 5}, {6, 6}} {
				got, want := doc.Fit(text, width, sizes[0], sizes[1]), Fit(d, text, width, sizes[0], sizes[1])
				gotLeft, _ := doc.Fpdf().GetFontSize()
				wantLeft, _ := d.GetFontSize()
				if got != want || gotLeft != wantLeft {
					t.Errorf("Fit %q in %v from %v: %v (font %v), fpdf %v (font %v)", text, width, sizes, got, gotLeft, want, wantLeft)
				}
			}
		}
	}
}

// TestDocumentsRenderConcurrently: documents share the font read once;
// drawn at the same time (as the close draws an invoice and a statement),
// each is what it is drawn alone.
func TestDocumentsRenderConcurrently(t *testing.T) {
	o := Options{Date: issued, Footer: "INV000123", PageNumbers: true}
	want := render(t, invoice(40, o))
	got := make(chan []byte)
	for range 4 {
		go func() {
			var b bytes.Buffer
			if err := invoice(40, o).Write(&b); err != nil {
				t.Error(err)
			}
			got <- b.Bytes()
		}()
	}
	for range 4 {
		if b := <-got; !bytes.Equal(b, want) {
			t.Error("a document drawn concurrently differs")
		}
	}
}
