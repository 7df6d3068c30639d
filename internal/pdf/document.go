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
// code, links, lines); such drawing uses absolute positions and leaves the
// cursor alone. Text is drawn and measured through the Document (TextAt,
// StringWidth, Fit), never through fpdf: the Document embeds the font
// itself (see NewDocument), and fpdf knows only a placeholder for it.
// Images break byte-for-byte reproducibility when two of the same width
// are registered (fpdf writes them in map order). Internal links and
// bookmarks do not survive Flush.
type Document struct {
	d      *fpdf.Fpdf // the pages since the last Flush
	opt    Options
	margin float64
	y      float64 // the cursor: top of the next block
	fresh  bool    // nothing drawn below the top margin of this page yet
	face   *face
	chars  *charset // the characters drawn, embedded by Write
	buf    []byte
	file   *file // the pages flushed, compressed
	pages  int   // how many
	err    error
}

// NewDocument returns an empty document (A4 portrait, mm, the embedded font
// at BodySize, no automatic page breaks) with o applied.
//
// The font is read once per process, not by fpdf for every document (which
// took most of a one-page invoice's time): fpdf draws the Document's text
// in a placeholder font, as the codes of the characters the Document gives
// it, and Write replaces the placeholder with a subset of the font made of
// the characters drawn.
func NewDocument(o Options) *Document {
	margin := o.Margin
	if margin <= 0 {
		margin = 15
	}
	f, err := ipaexFace()
	if err != nil {
		panic("pdf: the embedded font: " + err.Error())
	}
	doc := &Document{opt: o, margin: margin, face: f, chars: newCharset(f), file: newFile()}
	doc.d = doc.newFpdf(nil)
	return doc
}

// newFpdf returns an fpdf document for the Document's pages, in the state
// that previous (the one flushed, if any) was left in.
func (doc *Document) newFpdf(previous *fpdf.Fpdf) *fpdf.Fpdf {
	d := fpdf.New("P", "mm", "A4", "")
	d.SetFont(placeholderFont, "", BodySize)
	d.SetMargins(doc.margin, doc.margin, doc.margin)
	d.SetAutoPageBreak(false, doc.margin)
	d.SetCreator("Partner Portal", true)
	d.SetCatalogSort(true)
	if doc.opt.Title != "" {
		d.SetTitle(doc.opt.Title, true)
	}
	if previous != nil {
		size, _ := previous.GetFontSize()
		d.SetFontSize(size)
		d.SetTextColor(previous.GetTextColor())
		d.SetFillColor(previous.GetFillColor())
		d.SetDrawColor(previous.GetDrawColor())
		d.SetLineWidth(previous.GetLineWidth())
		d.SetLineCapStyle(previous.GetLineCapStyle())
		d.SetLineJoinStyle(previous.GetLineJoinStyle())
	}
	if doc.err != nil {
		d.SetError(doc.err)
	}
	return d
}

// placeholderFont is the core font that stands for the Document's font in
// fpdf, and placeholderObject the end of the object fpdf writes for it
// (after its number), which the file replaces with the embedded font.
const placeholderFont = "ZapfDingbats"

var placeholderObject = []byte("<</Type /Font\n/BaseFont /ZapfDingbats\n/Subtype /Type1\n>>\nendobj\n")

// TextAt draws text with its baseline at x, y (mm), in the current font
// size and text colour.
func (doc *Document) TextAt(x, y float64, text string) {
	doc.buf = doc.chars.encode(doc.buf[:0], text)
	doc.d.Text(x, y, string(doc.buf))
}

// StringWidth is the width of text in mm at the current font size.
func (doc *Document) StringWidth(text string) float64 {
	_, size := doc.d.GetFontSize()
	return float64(doc.face.units(text)) * size / 1000
}

// Fit is the package's Fit for the Document: the largest font size ≤ size
// (and ≥ min), in steps of half a point, at which text fits in width; it
// leaves the font at that size (at the last size tried when none fits).
func (doc *Document) Fit(text string, width, size, min float64) float64 {
	fit, set := fitSize(doc.face.units(text), doc.d.GetConversionRatio(), width, size, min)
	if set != 0 {
		doc.size(set)
	}
	return fit
}

// SetFontSize sets the font size in points, unless it is so already.
func (doc *Document) SetFontSize(pt float64) { doc.size(pt) }

// wrap is Wrap in the Document's font at the current size.
func (doc *Document) wrap(text string, width float64) []string {
	return wrap(doc.StringWidth, text, width)
}

// Fpdf returns the underlying fpdf document, for drawing at absolute
// positions what the blocks do not cover (not text: see TextAt). It is
// another one after Flush.
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

// Flush compresses the pages drawn so far into the document and frees
// what fpdf keeps of them (their uncompressed contents, images and links,
// and the whole uncompressed document it builds to write them), so that a
// document of many pages (an order's vouchers) takes the memory of the
// compressed document, not of fpdf's. Their footers and stamps are drawn
// now. The next block starts a new page, and Fpdf returns another fpdf
// document. A document with page numbers cannot flush (the total is not
// known yet); nor do internal links or bookmarks survive it.
func (doc *Document) Flush() {
	if doc.d.Err() || doc.d.PageCount() == 0 {
		return
	}
	if doc.opt.PageNumbers {
		doc.d.SetErrorf("pdf: a document with page numbers cannot flush")
		return
	}
	doc.decorate(doc.d.PageCount())
	d := doc.d
	doc.d = doc.newFpdf(d)
	if err := doc.segment(d, false); err != nil {
		doc.err = err
		doc.d.SetError(err)
	}
	doc.y, doc.fresh = doc.margin, true
}

// Write finishes the document and writes it to w: it goes back to every
// page (since the last Flush) to print the footer, the page number out of
// the total and the stamp, sets the file dates and writes the file (see
// file). Call it once, last.
func (doc *Document) Write(w io.Writer) error {
	d := doc.d
	if d.PageCount() == 0 && doc.pages == 0 {
		doc.AddPage()
	}
	doc.decorate(doc.pages + d.PageCount())
	date := doc.opt.Date
	if date.IsZero() {
		date = fixedDate
	}
	d.SetCreationDate(date.In(clock.Tokyo))
	d.SetModificationDate(date.In(clock.Tokyo))
	if err := doc.segment(d, true); err != nil {
		return err
	}
	return doc.file.writeTo(w)
}

// decorate draws the footer and the stamp on the pages since the last
// Flush, of total pages in all.
func (doc *Document) decorate(total int) {
	d := doc.d
	if n := d.PageCount(); n > 0 && (doc.opt.Footer != "" || doc.opt.PageNumbers || doc.opt.Stamp != "") {
		for p := 1; p <= n; p++ {
			d.SetPage(p)
			doc.footer(doc.pages+p, total)
			if doc.opt.Stamp != "" {
				doc.Stamp(doc.opt.Stamp)
			}
		}
		d.SetPage(n)
	}
}

// segment adds d's pages, the pages since the last Flush, to the file (the
// last segment finishes it).
func (doc *Document) segment(d *fpdf.Fpdf, last bool) error {
	if doc.err != nil {
		return doc.err
	}
	n := d.PageCount()
	raw, err := uncompressed(d)
	if err != nil {
		return err
	}
	doc.pages += n
	return doc.file.segment(raw, last, last && n == 0, doc.chars)
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
	d.SetFontSize(8) // written even when it is the size already: see above
	d.SetFillColor(255, 255, 255)
	d.SetTextColor(100, 100, 100)
	y := PageHeight - doc.margin/2
	if doc.opt.Footer != "" {
		doc.TextAt(doc.Left(), y, doc.opt.Footer)
	}
	if doc.opt.PageNumbers {
		s := strconv.Itoa(page) + " / " + strconv.Itoa(pages)
		doc.TextAt(doc.Left()+doc.Width()-doc.StringWidth(s), y, s)
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
	doc.Fit(text, 0.55*math.Hypot(PageWidth, PageHeight), 110, 20)
	_, em := d.GetFontSize()
	d.RawWriteStr("/Span <</ActualText " + textString(text) + ">> BDC")
	doc.TextAt(cx-doc.StringWidth(text)/2, cy+0.35*em, text)
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
