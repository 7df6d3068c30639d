package pdf

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"codeberg.org/go-pdf/fpdf"

	"github.com/ccp-partner/portal/internal/clock"
)

// Page size (A4 portrait) in millimetres.
const (
	PageWidth  = 210.0
	PageHeight = 297.0
)

// BodySize is the font size, in points, of body text and table cells.
const BodySize = 9.0

// Options are what a Document repeats on every page and writes in its file.
type Options struct {
	// Title is the file's title (its metadata, not printed).
	Title string
	// Date is written as the file's creation and modification date, in
	// Japan time. It must come from the document's data (an issue date, an
	// order's creation), never from the clock, so that the same data gives
	// the same bytes; a zero Date writes 2000-01-01 00:00.
	Date time.Time
	// Margin is the margin on every side in mm (15 when zero). The footer
	// is printed inside the bottom margin.
	Margin float64
	// Footer is printed at the bottom left of every page (e.g. the
	// document's number).
	Footer string
	// PageNumbers prints "n / total" at the bottom right of every page.
	PageNumbers bool
	// Stamp, when set, is drawn large and diagonally across every page
	// (e.g. "無効 / VOID"); see Document.Stamp.
	Stamp string
}

// fixedDate is the file date of a Document whose Options leave Date zero.
var fixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, clock.Tokyo)

// Document is a business document — an invoice, an itemized statement, a
// credit note, a quote, a voucher — written top to bottom from a cursor:
// each block (Header, Fields, Table rows, Totals, Text …) is drawn at the
// cursor across the content width, moves the cursor under itself, and
// starts a new page when it does not fit in what is left of the page. It
// takes plain strings: the caller formats amounts and dates and chooses the
// words. Write finishes the document (footers, page numbers, file dates)
// and writes it; the same calls give the same bytes.
//
// Fpdf gives the underlying document for what the blocks do not cover (a QR
// code, links); such drawing uses absolute positions and leaves the cursor
// alone. Images break byte-for-byte reproducibility when two of the same
// width are registered (fpdf writes them in map order).
type Document struct {
	d      *fpdf.Fpdf
	opt    Options
	margin float64
	y      float64 // the cursor: top of the next block
	fresh  bool    // nothing drawn below the top margin of this page yet
}

// NewDocument returns an empty document (New: A4 portrait, mm, the embedded
// font at BodySize) with o applied.
func NewDocument(o Options) *Document {
	margin := o.Margin
	if margin <= 0 {
		margin = 15
	}
	doc := &Document{d: New(margin), opt: o, margin: margin}
	doc.d.SetCatalogSort(true)
	doc.d.SetFontSize(BodySize)
	if o.Title != "" {
		doc.d.SetTitle(o.Title, true)
	}
	return doc
}

// Fpdf returns the underlying fpdf document, for drawing at absolute
// positions what the blocks do not cover.
func (doc *Document) Fpdf() *fpdf.Fpdf { return doc.d }

// Left is the left edge of the content in mm.
func (doc *Document) Left() float64 { return doc.margin }

// Width is the width of the content in mm.
func (doc *Document) Width() float64 { return PageWidth - 2*doc.margin }

// Bottom is the lowest y the content may reach on a page.
func (doc *Document) Bottom() float64 { return PageHeight - doc.margin }

// Y is the cursor: where the next block starts, in mm from the top.
func (doc *Document) Y() float64 { return doc.y }

// SetY moves the cursor, e.g. under what was drawn through Fpdf.
func (doc *Document) SetY(y float64) { doc.y, doc.fresh = y, false }

// Space moves the cursor down by mm (not past the bottom of the page).
func (doc *Document) Space(mm float64) { doc.SetY(min(doc.y+mm, doc.Bottom())) }

// SetDate sets the file date when it is known only once the content is
// written (see Options.Date).
func (doc *Document) SetDate(t time.Time) { doc.opt.Date = t }

// AddPage starts a new page with the cursor at the top margin.
func (doc *Document) AddPage() {
	doc.d.AddPage()
	doc.y, doc.fresh = doc.margin, true
}

// Need starts a new page unless height mm fit under the cursor, so that a
// block of that height is not split; it reports whether it did. A block
// taller than a page is left to split.
func (doc *Document) Need(height float64) bool {
	if doc.d.PageCount() > 0 && (doc.y+height <= doc.Bottom() || doc.fresh) {
		return false
	}
	doc.AddPage()
	return true
}

// Write finishes the document and writes it to w through Output: it goes
// back to every page to print the footer, the page number out of the
// total and the stamp, and sets the file dates. Call it once, last.
func (doc *Document) Write(w io.Writer) error {
	d := doc.d
	if d.PageCount() == 0 {
		doc.AddPage()
	}
	if doc.opt.Footer != "" || doc.opt.PageNumbers || doc.opt.Stamp != "" {
		n := d.PageCount()
		for p := 1; p <= n; p++ {
			d.SetPage(p)
			doc.footer(p, n)
			if doc.opt.Stamp != "" {
				doc.Stamp(doc.opt.Stamp)
			}
		}
		d.SetPage(n)
	}
	date := doc.opt.Date
	if date.IsZero() {
		date = fixedDate
	}
	d.SetCreationDate(date.In(clock.Tokyo))
	d.SetModificationDate(date.In(clock.Tokyo))
	return Output(d, w)
}

// footer prints the footer text and "page / pages" in the bottom margin of
// the current page. It runs when every page is written, going back to
// each: it sets every state it draws with explicitly (Stamp too), and
// inside q … Q, as the page's content stream may end in another state than
// the one fpdf last set.
func (doc *Document) footer(page, pages int) {
	if doc.opt.Footer == "" && !doc.opt.PageNumbers {
		return
	}
	d := doc.d
	d.TransformBegin()
	d.SetFont(Font, "", 8)
	d.SetFillColor(255, 255, 255)
	d.SetTextColor(100, 100, 100)
	y := PageHeight - doc.margin/2
	if doc.opt.Footer != "" {
		d.Text(doc.Left(), y, doc.opt.Footer)
	}
	if doc.opt.PageNumbers {
		s := strconv.Itoa(page) + " / " + strconv.Itoa(pages)
		d.Text(doc.Left()+doc.Width()-d.GetStringWidth(s), y, s)
	}
	d.TransformEnd()
}

// Stamp draws text large, light red and diagonally across the current page
// (corner to corner, centred), over what the page has so far, as a rubber
// stamp: it multiplies the colours under it, so that black text stays
// black and readable and white turns light red. Its glyphs carry text as
// their ActualText, so that text extraction and search read it as one word
// rather than as letters scattered along the diagonal.
func (doc *Document) Stamp(text string) {
	d := doc.d
	size, _ := d.GetFontSize()
	r, g, b := d.GetTextColor()
	fr, fg, fb := d.GetFillColor()
	angle := math.Atan2(PageHeight, PageWidth) * 180 / math.Pi
	cx, cy := PageWidth/2, PageHeight/2
	d.TransformBegin()
	d.SetAlpha(1, "Multiply")
	d.TransformRotate(angle, cx, cy)
	d.SetFillColor(255, 255, 255)
	d.SetTextColor(255, 150, 150)
	Fit(d, text, 0.55*math.Hypot(PageWidth, PageHeight), 110, 20)
	_, em := d.GetFontSize()
	d.RawWriteStr("/Span <</ActualText " + textString(text) + ">> BDC")
	d.Text(cx-d.GetStringWidth(text)/2, cy+0.35*em, text)
	d.RawWriteStr("EMC")
	d.TransformEnd()
	d.SetAlpha(1, "Normal")
	d.SetFillColor(fr, fg, fb)
	d.SetTextColor(r, g, b)
	d.SetFontSize(size)
}

// textString is s as a PDF text string: UTF-16BE with its byte order mark,
// in hexadecimal.
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// lineHeight is the height in mm of a line of text of size points.
func lineHeight(size float64) float64 { return size*0.5 + 0.1 }

// baseline is where the baseline of a line of size points lies in a line
// box whose top is at top: the em box is centred in the line, and the
// font's ascent is 0.88 em.
func baseline(top, size float64) float64 {
	em := size * 25.4 / 72
	return top + (lineHeight(size)-em)/2 + 0.88*em
}

// size sets the font size unless it is size already: fpdf writes every
// change into the page.
func (doc *Document) size(pt float64) {
	if current, _ := doc.d.GetFontSize(); current != pt {
		doc.d.SetFontSize(pt)
	}
}

// ink sets the text colour to a grey (0 is black), unless it is so
// already.
func (doc *Document) ink(grey int) {
	if r, g, b := doc.d.GetTextColor(); r != grey || g != grey || b != grey {
		doc.d.SetTextColor(grey, grey, grey)
	}
}

// fill sets the fill colour to a grey, unless it is so already.
func (doc *Document) fill(grey int) {
	if r, g, b := doc.d.GetFillColor(); r != grey || g != grey || b != grey {
		doc.d.SetFillColor(grey, grey, grey)
	}
}

// pen sets the colour (a grey) and width of lines, unless they are so
// already.
func (doc *Document) pen(grey int, width float64) {
	if r, g, b := doc.d.GetDrawColor(); r != grey || g != grey || b != grey {
		doc.d.SetDrawColor(grey, grey, grey)
	}
	if doc.d.GetLineWidth() != width {
		doc.d.SetLineWidth(width)
	}
}
