package pdf

import (
	"fmt"
	"strings"
)

// Align is where text lies in a table cell.
type Align int

// Alignments; amounts are AlignRight.
const (
	AlignLeft Align = iota
	AlignRight
	AlignCenter
)

// Column is one column of a Table.
type Column struct {
	Label    string  // the header text (wrapped like the cells)
	Width    float64 // in mm; when zero, Fraction of the content width
	Fraction float64 // when Width is zero; columns with neither share what is left equally
	Align    Align
}

// TableStyle is how a Table looks.
type TableStyle struct {
	Size  float64 // the font size in points; BodySize when zero
	Zebra bool    // shade every other row
	Rules bool    // a thin line under every row
}

// Cell padding in mm.
const (
	padX = 1.5
	padY = 1.0
)

// Table is a table being written at a Document's cursor, a row at a time,
// so that a long one (an itemized statement) can be fed as it is read.
// Cells are wrapped to their column and a row grows with its tallest cell.
// A row that does not fit under the cursor goes to a new page, and every
// page the table reaches starts with its header row; only a row taller
// than a whole page is split between pages. The header is drawn with the
// first row.
type Table struct {
	doc      *Document
	cols     []Column
	x, w     []float64 // each column's left edge and width
	style    TableStyle
	lh       float64    // line height
	head     [][]string // the wrapped labels
	headN    int        // the header's height in lines
	headH    float64    // the header's height
	rows     int        // rows written
	headedOn int        // the page the header was last drawn on
	lines    [][]string // the wrapped cells of the row being drawn, reused
}

// Table starts a table at the cursor with cols; its rows follow with Row.
// A table wider than the content, or a column left with no width, makes
// Write fail.
func (doc *Document) Table(style TableStyle, cols ...Column) *Table {
	if style.Size <= 0 {
		style.Size = BodySize
	}
	t := &Table{doc: doc, cols: cols, style: style, lh: lineHeight(style.Size), lines: make([][]string, len(cols))}
	if err := t.layout(); err != nil {
		doc.d.SetError(err)
		return t
	}
	labels := make([]string, len(cols))
	for i, c := range cols {
		labels[i] = c.Label
	}
	t.headN = t.wrap(labels)
	t.head, t.lines = t.lines, make([][]string, len(cols))
	t.headH = float64(t.headN)*t.lh + 2*padY
	return t
}

// layout sets the columns' edges and widths.
func (t *Table) layout() error {
	width := t.doc.Width()
	rest, shared := width, 0
	t.w = make([]float64, len(t.cols))
	for i, c := range t.cols {
		switch {
		case c.Width > 0:
			t.w[i] = c.Width
		case c.Fraction > 0:
			t.w[i] = c.Fraction * width
		default:
			shared++
		}
		rest -= t.w[i]
	}
	for i, c := range t.cols {
		if c.Width <= 0 && c.Fraction <= 0 {
			t.w[i] = rest / float64(shared)
		}
	}
	t.x = make([]float64, len(t.cols))
	x := t.doc.Left()
	for i, w := range t.w {
		if w <= 2*padX {
			return fmt.Errorf("pdf: table column %d (%q) is %.1f mm wide", i, t.cols[i].Label, w)
		}
		t.x[i], x = x, x+w
	}
	if rest < -0.01 {
		return fmt.Errorf("pdf: table columns are %.1f mm wider than the page", -rest)
	}
	return nil
}

// Row writes a row of cells, one a column (missing ones are empty).
func (t *Table) Row(cells ...string) {
	if len(cells) > len(t.cols) {
		t.doc.d.SetErrorf("pdf: a row of %d cells in a table of %d columns", len(cells), len(t.cols))
	}
	if t.doc.d.Err() {
		return
	}
	t.doc.Need(0)
	n := t.wrap(cells)
	for start := 0; start < n; {
		room, rest := t.room(), n-start
		if rest <= room {
			t.draw(start, n)
			break
		}
		if t.doc.fresh || room >= 1 && rest > t.pageRoom() {
			k := max(room, 1)
			t.draw(start, start+k)
			start += k
		}
		t.doc.AddPage()
	}
	t.rows++
}

// wrap wraps cells into t.lines and returns the row's height in lines.
func (t *Table) wrap(cells []string) int {
	t.doc.size(t.style.Size)
	n := 1
	for i := range t.cols {
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		t.lines[i] = t.wrapCell(t.lines[i][:0], cell, t.w[i]-2*padX)
		n = max(n, len(t.lines[i]))
	}
	return n
}

// wrapCell appends text wrapped to width to lines: most cells fit on one
// line, and are measured once.
func (t *Table) wrapCell(lines []string, text string, width float64) []string {
	if !strings.Contains(text, "\n") && t.doc.StringWidth(text) <= width {
		return append(lines, text)
	}
	return append(lines, t.doc.wrap(text, width)...)
}

// room is how many lines of a row fit under the cursor, under the header
// when it is not drawn yet on this page.
func (t *Table) room() int {
	h := t.doc.Bottom() - t.doc.y - 2*padY
	if !t.headed() {
		h -= t.headH
	}
	return max(0, int(h/t.lh+1e-9))
}

// pageRoom is how many lines of a row fit on a new page.
func (t *Table) pageRoom() int {
	return int((t.doc.Bottom()-t.doc.margin-t.headH-2*padY)/t.lh + 1e-9)
}

// header draws the header row at the cursor.
func (t *Table) header() {
	d := t.doc.d
	y, h := t.doc.y, t.headH
	t.doc.fill(228)
	d.Rect(t.doc.Left(), y, t.width(), h, "F")
	t.doc.ink(40)
	t.cells(t.head, y, 0, t.headN)
	t.doc.pen(90, 0.3)
	d.Line(t.doc.Left(), y, t.doc.Left()+t.width(), y)
	d.Line(t.doc.Left(), y+h, t.doc.Left()+t.width(), y+h)
	t.doc.SetY(y + h)
	t.headedOn = t.doc.d.PageNo()
}

// headed reports whether the current page has the header.
func (t *Table) headed() bool { return t.headedOn == t.doc.d.PageNo() }

// draw draws lines start to end of the wrapped row at the cursor, under
// the header if the page does not have it yet.
func (t *Table) draw(start, end int) {
	if !t.headed() {
		t.header()
	}
	d := t.doc.d
	y, h := t.doc.y, float64(end-start)*t.lh+2*padY
	if t.style.Zebra && t.rows%2 == 1 {
		t.doc.fill(243)
		d.Rect(t.doc.Left(), y, t.width(), h, "F")
	}
	t.doc.ink(0)
	t.cells(t.lines, y, start, end)
	if t.style.Rules {
		t.doc.pen(210, 0.1)
		d.Line(t.doc.Left(), y+h, t.doc.Left()+t.width(), y+h)
	}
	t.doc.SetY(y + h)
}

// cells writes lines start to end of every wrapped cell of row from top.
func (t *Table) cells(row [][]string, top float64, start, end int) {
	doc := t.doc
	doc.size(t.style.Size)
	for i, lines := range row {
		for j := start; j < min(end, len(lines)); j++ {
			x := t.x[i] + padX
			switch t.cols[i].Align {
			case AlignRight:
				x = t.x[i] + t.w[i] - padX - doc.StringWidth(lines[j])
			case AlignCenter:
				x = t.x[i] + (t.w[i]-doc.StringWidth(lines[j]))/2
			}
			doc.TextAt(x, baseline(top+padY+float64(j-start)*t.lh, t.style.Size), lines[j])
		}
	}
}

// width is the table's width.
func (t *Table) width() float64 {
	if len(t.x) == 0 {
		return 0
	}
	return t.x[len(t.x)-1] + t.w[len(t.w)-1] - t.doc.Left()
}

// Total is one row of a totals block: 小計, 消費税 (10%), 合計.
type Total struct {
	Label, Value string
	Strong       bool // larger, on a shaded band with a line above: the total, the amount due
}

// Totals draws rows against the right edge of the content, as two columns
// — the labels, then the values right-aligned, so that they line up under
// a table's right-aligned last column — kept together on one page.
func (doc *Document) Totals(rows ...Total) {
	d := doc.d
	lw, vw, h := 30.0, 30.0, 0.0
	for _, r := range rows {
		size := totalSize(r)
		doc.size(size)
		lw = max(lw, doc.StringWidth(r.Label)+2*padX)
		vw = max(vw, doc.StringWidth(r.Value)+2*padX)
		h += lineHeight(size) + 2*padY
	}
	doc.Need(h)
	right := doc.Left() + doc.Width()
	x := right - lw - vw
	for _, r := range rows {
		size := totalSize(r)
		y, rh := doc.y, lineHeight(size)+2*padY
		if r.Strong {
			doc.fill(235)
			d.Rect(x, y, lw+vw, rh, "F")
			doc.pen(0, 0.3)
			d.Line(x, y, right, y)
		}
		doc.ink(0)
		doc.size(size)
		doc.TextAt(x+padX, baseline(y+padY, size), r.Label)
		doc.TextAt(right-padX-doc.StringWidth(r.Value), baseline(y+padY, size), r.Value)
		doc.pen(210, 0.1)
		d.Line(x, y+rh, right, y+rh)
		doc.SetY(y + rh)
	}
}

func totalSize(r Total) float64 {
	if r.Strong {
		return headingSize
	}
	return BodySize
}
