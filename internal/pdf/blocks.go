package pdf

// Field is a label and its value: a document number, an issue or due date,
// the amount due.
type Field struct {
	Label, Value string
	Strong       bool // the value in larger type (the amount due)
}

// Addressee is who a document is addressed to, as the lines to print: the
// caller words them and adds the honorific (御中 after a company or
// department, 様 after a person).
type Addressee struct {
	PostalCode string   // "100-0005", printed "〒100-0005"; empty prints no line
	Address    []string // prefecture and city, street, building
	Names      []string // "株式会社エース 御中"; or "株式会社エース", "経理部 山田 太郎 様"
}

// Issuer is who issues a document, as the lines to print.
type Issuer struct {
	Name         string
	PostalCode   string   // printed "〒…" on a line of its own; empty prints no line
	Address      []string // each on a line of its own (wrapped when too long)
	Contact      []string // phone and fax, email: worded by the caller
	Registration string   // the registration number line: "登録番号 T1234567890123"
}

// Header is the top of a document: the title centred in large type, the
// addressee on the left, and on the right the fields (number, dates) above
// the issuer.
type Header struct {
	Title  string
	Fields []Field
	To     Addressee
	From   Issuer
}

// Type sizes in points, and the gap in mm under a header.
const (
	titleSize   = 18.0
	nameSize    = 12.0 // the addressee's names
	issuerSize  = 10.0 // the issuer's name
	headingSize = 11.0
	strongSize  = 12.0
	headerGap   = 6.0
)

// Header draws h at the cursor (on a new first page if none is started)
// and moves the cursor under it.
func (doc *Document) Header(h Header) {
	doc.Need(0)
	y := doc.y
	if h.Title != "" {
		doc.ink(0)
		doc.size(titleSize)
		doc.TextAt(doc.Left()+(doc.Width()-doc.StringWidth(h.Title))/2, baseline(y, titleSize), h.Title)
		y += lineHeight(titleSize) + 4
	}
	leftW, rightX := doc.Width()*0.52, doc.Left()+doc.Width()*0.56
	rightW := doc.Left() + doc.Width() - rightX
	right := doc.fieldsAt(rightX, y, rightW, labelWidth(doc, h.Fields), h.Fields, true)
	if len(h.Fields) > 0 {
		right += 3
	}
	name, lines := issuerLines(doc, h.From, rightW)
	right = doc.issuerAt(rightX, right, name, lines)
	left := doc.addresseeAt(doc.Left(), y, leftW, h.To)
	doc.SetY(max(left, right) + headerGap)
}

// Fields draws label and value rows at the cursor, the values in a column
// after the widest label, breaking pages between rows.
func (doc *Document) Fields(fields ...Field) {
	lw := min(labelWidth(doc, fields), doc.Width()/2)
	for i, f := range fields {
		doc.size(fieldSize(f))
		doc.Need(float64(len(doc.wrap(f.Value, doc.Width()-lw))) * lineHeight(fieldSize(f)))
		doc.SetY(doc.fieldsAt(doc.Left(), doc.y, doc.Width(), lw, fields[i:i+1], false))
	}
}

// Issuer draws from at the cursor across the content width (e.g. under a
// voucher) and moves the cursor under it; the block is not split.
func (doc *Document) Issuer(from Issuer) {
	name, lines := issuerLines(doc, from, doc.Width())
	doc.Need(float64(len(name))*lineHeight(issuerSize) + float64(len(lines))*lineHeight(BodySize))
	doc.SetY(doc.issuerAt(doc.Left(), doc.y, name, lines))
}

// Heading draws a section title at the cursor — 2 mm lower unless at the
// top of a page, and on a new page unless two lines of body text fit under
// it — and moves the cursor 1 mm under it.
func (doc *Document) Heading(text string) {
	doc.size(headingSize)
	lines := doc.wrap(text, doc.Width())
	if !doc.fresh {
		doc.Space(2)
	}
	doc.Need(float64(len(lines))*lineHeight(headingSize) + 2*lineHeight(BodySize))
	doc.ink(0)
	doc.SetY(doc.linesAt(doc.Left(), doc.y, headingSize, lines) + 1)
}

// Text draws text (remarks, bank details) wrapped to the content width at
// BodySize, breaking pages between lines.
func (doc *Document) Text(text string) { doc.Lines(doc.Wrap(text)) }

// Wrap returns text wrapped to the content width at BodySize, for Lines:
// text a document repeats on many pages is wrapped once.
func (doc *Document) Wrap(text string) []string {
	doc.size(BodySize)
	return doc.wrap(text, doc.Width())
}

// Lines draws lines already wrapped to the content width at BodySize,
// breaking pages between them.
func (doc *Document) Lines(lines []string) {
	h := lineHeight(BodySize)
	doc.ink(0)
	doc.size(BodySize)
	for _, line := range lines {
		doc.Need(h)
		doc.TextAt(doc.Left(), baseline(doc.y, BodySize), line)
		doc.SetY(doc.y + h)
	}
}

// Rule draws a thin grey line across the content at the cursor and moves
// the cursor 1 mm under it.
func (doc *Document) Rule() {
	doc.Need(1)
	doc.pen(200, 0.2)
	doc.d.Line(doc.Left(), doc.y, doc.Left()+doc.Width(), doc.y)
	doc.SetY(doc.y + 1)
}

// linesAt draws lines at size from top at x and returns the bottom.
func (doc *Document) linesAt(x, top, size float64, lines []string) float64 {
	doc.size(size)
	for _, line := range lines {
		doc.TextAt(x, baseline(top, size), line)
		top += lineHeight(size)
	}
	return top
}

// fieldsAt draws fields in a column w wide at x from top, the labels in a
// column lw wide (at most half of w) and the values after it, right-aligned
// when right is set; it returns the bottom.
func (doc *Document) fieldsAt(x, top, w, lw float64, fields []Field, right bool) float64 {
	lw = min(lw, w/2)
	for _, f := range fields {
		size := fieldSize(f)
		doc.size(size)
		lines := doc.wrap(f.Value, w-lw)
		doc.size(BodySize)
		doc.ink(90)
		doc.TextAt(x, baseline(top, size), f.Label)
		doc.ink(0)
		doc.size(size)
		for _, line := range lines {
			vx := x + lw
			if right {
				vx = x + w - doc.StringWidth(line)
			}
			doc.TextAt(vx, baseline(top, size), line)
			top += lineHeight(size)
		}
	}
	return top
}

// labelWidth is the width of the widest label at BodySize and a 4 mm gap.
func labelWidth(doc *Document, fields []Field) float64 {
	doc.size(BodySize)
	w := 0.0
	for _, f := range fields {
		w = max(w, doc.StringWidth(f.Label))
	}
	return w + 4
}

func fieldSize(f Field) float64 {
	if f.Strong {
		return strongSize
	}
	return BodySize
}

// addresseeAt draws to in a column w wide at x from top: the postal code
// and address, then the names larger with a line under them; it returns
// the bottom.
func (doc *Document) addresseeAt(x, top, w float64, to Addressee) float64 {
	d := doc.d
	doc.ink(0)
	doc.size(BodySize + 1)
	var address []string
	if to.PostalCode != "" {
		address = append(address, "〒"+to.PostalCode)
	}
	for _, a := range to.Address {
		address = append(address, doc.wrap(a, w)...)
	}
	top = doc.linesAt(x, top, BodySize+1, address)
	if len(to.Names) == 0 {
		return top
	}
	top += 2
	doc.size(nameSize)
	var names []string
	for _, n := range to.Names {
		names = append(names, doc.wrap(n, w)...)
	}
	top = doc.linesAt(x, top, nameSize, names)
	doc.pen(0, 0.3)
	d.Line(x, top+0.5, x+w, top+0.5)
	return top + 1
}

// issuerAt draws an issuer's name and lines (issuerLines) at x from top
// and returns the bottom.
func (doc *Document) issuerAt(x, top float64, name, lines []string) float64 {
	doc.ink(0)
	top = doc.linesAt(x, top, issuerSize, name)
	return doc.linesAt(x, top, BodySize, lines)
}

// issuerLines are from's name wrapped to w at its size, and its other
// lines (postal code, address, contact, registration) wrapped to w at
// BodySize.
func issuerLines(doc *Document, from Issuer, w float64) (name, lines []string) {
	if from.Name != "" {
		doc.size(issuerSize)
		name = doc.wrap(from.Name, w)
	}
	doc.size(BodySize)
	lines = make([]string, 0, 2+len(from.Address)+len(from.Contact))
	if from.PostalCode != "" {
		lines = append(lines, "〒"+from.PostalCode)
	}
	for _, group := range [][]string{from.Address, from.Contact, {from.Registration}} {
		for _, s := range group {
			if s != "" {
				lines = append(lines, doc.wrap(s, w)...)
			}
		}
	}
	return name, lines
}
