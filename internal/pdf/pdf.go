// Package pdf makes the portal's documents. Document is a business
// document (invoice, itemized statement, credit note, quote, voucher) fed
// from plain strings: a header (title, addressee, issuer, fields), tables
// that break pages and repeat their header row, totals, paragraphs, footers
// with "n / total" page numbers, a diagonal 無効 / VOID stamp, and
// reproducible bytes. It embeds the Japanese font (IPAexGothic, shipped
// unmodified with its licence in fonts/) itself: the font is read once per
// process, and each file gets a subset of the glyphs it draws, without
// their hinting instructions (font.go); fpdf lays out the pages. A long
// document can Flush its pages into its compressed file as it goes (file.go).
// Under it are the primitives, for a plain fpdf document with the font
// that fpdf reads itself: a new A4 document, text that fits a width,
// Japanese-aware line wrapping (fpdf's own wrapping drops a character at
// each break), QR codes, and Output, which writes fpdf's document with
// cheaper compression. It imports no domain package.
package pdf

import (
	_ "embed"
	"sort"
	"strings"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

//go:embed fonts/ipaexg.ttf
var ipaexGothic []byte

// Font is the family name documents use.
const Font = "IPAexGothic"

// New returns an A4 portrait fpdf document in millimetres with the
// Japanese font (read by fpdf, about 5 ms a document) and the given
// margins, without automatic page breaks. Documents use NewDocument.
func New(margin float64) *fpdf.Fpdf {
	d := fpdf.New("P", "mm", "A4", "")
	d.AddUTF8FontFromBytes(Font, "", ipaexGothic)
	d.SetFont(Font, "", 10)
	d.SetMargins(margin, margin, margin)
	d.SetAutoPageBreak(false, margin)
	d.SetCreator("Partner Portal", true)
	return d
}

// noLineStart are characters that may not begin a line (minimal kinsoku).
const noLineStart = "。、，．）」』】〕〉》ー・：；？！ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.)]}:;?!"

// Wrap splits text into lines no wider than width (in the document's
// current font), rune by rune, breaking at spaces when it can and never
// starting a line with closing punctuation or a small kana. Explicit new
// lines are kept. No character is lost.
func Wrap(d *fpdf.Fpdf, text string, width float64) []string {
	return wrap(d.GetStringWidth, text, width)
}

// wrap is Wrap with measure giving the width of a text.
func wrap(measure func(string) float64, text string, width float64) []string {
	if !strings.Contains(text, "\n") && measure(text) <= width {
		return []string{text} // most texts fit: measured once
	}
	var out []string
	for _, para := range splitLines(text) {
		out = append(out, wrapParagraph(measure, para, width)...)
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if r == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func wrapParagraph(measure func(string) float64, para string, width float64) []string {
	runes := []rune(para)
	var lines []string
	for len(runes) > 0 {
		n := fitting(measure, runes, width)
		if n < len(runes) {
			n = breakPoint(runes, n)
		}
		lines = append(lines, string(runes[:n]))
		runes = runes[n:]
		if len(runes) > 0 && runes[0] == ' ' {
			runes = runes[1:]
		}
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

// fitting is how many runes of rs fit in width (at least one): the
// longest prefix no wider than width, found by bisection (a prefix is never
// narrower than a shorter one).
func fitting(measure func(string) float64, rs []rune, width float64) int {
	n := sort.Search(len(rs), func(i int) bool { return measure(string(rs[:i+1])) > width })
	return max(1, n)
}

// breakPoint moves a break at n back to the last space of a Latin run, and
// back past characters that may not start a line.
func breakPoint(rs []rune, n int) int {
	if rs[n] != ' ' && n > 0 && utf8.RuneLen(rs[n-1]) == 1 && utf8.RuneLen(rs[n]) == 1 {
		for i := n - 1; i > n/2; i-- {
			if rs[i] == ' ' {
				return i
			}
		}
	}
	for n > 1 && strings.ContainsRune(noLineStart, rs[n]) {
		n--
	}
	return n
}

// Fit returns the largest font size ≤ size (and ≥ min), in steps of half a
// point, at which text fits in width, and leaves the font at that size (at
// the last size tried when none fits). The widths are computed, not
// measured size by size, so that the page gets one font change, not one
// per size tried.
func Fit(d *fpdf.Fpdf, text string, width, size, min float64) float64 {
	fit, set := fitSize(d.GetStringSymbolWidth(text), d.GetConversionRatio(), width, size, min)
	if set != 0 {
		d.SetFontSize(set)
	}
	return fit
}

// fitSize is Fit for a text units thousandths of an em wide in a document
// of k points a unit: the size that fits, and the size to leave the font
// at (0: leave it).
func fitSize(units int, k, width, size, min float64) (fit, set float64) {
	tried := 0.0
	for ; size > min; size -= 0.5 {
		tried = size
		if float64(units)*(size/k)/1000 <= width { // GetStringWidth at size
			return size, size
		}
	}
	return min, tried
}

// Paragraph writes text wrapped to width at x, advancing y by lineHeight
// per line, and returns the new y.
func Paragraph(d *fpdf.Fpdf, x, y, width, lineHeight float64, text string) float64 {
	for _, line := range Wrap(d, text, width) {
		d.Text(x, y, line)
		y += lineHeight
	}
	return y
}
