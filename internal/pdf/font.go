package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
)

// face is a TrueType font read once per process: what a Document needs to
// measure text (the advance width of each character, in thousandths of an
// em, rounded as fpdf rounds them) and to embed the glyphs it used. fpdf
// reads the whole font again for every document (its character maps and
// metrics, about 5 ms and 9 MB of garbage for IPAexGothic), and once more
// to subset it when the document is written; a Document reads it from
// here instead. The font's bytes are never changed: a subset is built from
// them for each document (see subset).
type face struct {
	data         []byte
	tables       map[string][]byte
	unitsPerEm   int
	longLoca     bool
	numGlyphs    int
	advances     []uint16 // by glyph, in font units
	bearings     []uint16 // left side bearings by glyph, in font units
	loca         []uint32 // numGlyphs+1 offsets into glyf
	bmp          []uint16 // glyph by BMP character (0: none)
	astral       map[rune]uint16
	bmpWidth     []uint16 // advance in thousandths of an em by BMP character; noWidth when the font lacks it
	missingWidth int      // the width of a character the font lacks (its .notdef)

	// The font descriptor's metrics, in thousandths of an em.
	ascent, descent, capHeight int
	bbox                       [4]int
	italicAngle, stemV, flags  int
}

// noWidth marks a character the font has no glyph for (a glyph that
// advances by nothing has width 0).
const noWidth = math.MaxUint16

var ipaexFace = sync.OnceValues(func() (*face, error) { return parseFace(ipaexGothic) })

// parseFace reads a TrueType font (glyf outlines, a Unicode cmap of format
// 4 and optionally 12).
func parseFace(data []byte) (*face, error) {
	if len(data) < 12 {
		return nil, errors.New("pdf: font too short")
	}
	if v := be32(data); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("pdf: not a TrueType font (%08x)", v)
	}
	f := &face{data: data, tables: map[string][]byte{}}
	n := int(be16(data[4:]))
	if len(data) < 12+16*n {
		return nil, errors.New("pdf: font table directory too short")
	}
	for i := range n {
		rec := data[12+16*i:]
		off, size := int(be32(rec[8:])), int(be32(rec[12:]))
		if off < 0 || size < 0 || off+size > len(data) {
			return nil, fmt.Errorf("pdf: font table %q out of range", rec[:4])
		}
		f.tables[string(rec[:4])] = data[off : off+size]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "post"} {
		if f.tables[t] == nil || t == "post" && len(f.tables[t]) < 32 {
			return nil, fmt.Errorf("pdf: font has no %q table", t)
		}
	}
	head, hhea, maxp := f.tables["head"], f.tables["hhea"], f.tables["maxp"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 {
		return nil, errors.New("pdf: font header tables too short")
	}
	f.unitsPerEm = int(be16(head[18:]))
	if f.unitsPerEm == 0 {
		return nil, errors.New("pdf: font has no units per em")
	}
	f.longLoca = be16(head[50:]) == 1
	f.numGlyphs = int(be16(maxp[4:]))
	if err := f.readMetrics(int(be16(hhea[34:]))); err != nil {
		return nil, err
	}
	if err := f.readLoca(); err != nil {
		return nil, err
	}
	if err := f.readCmap(); err != nil {
		return nil, err
	}
	f.readDescriptor()
	// Widths as fpdf computes them (utf8fontfile.go parseHMTXTable): the
	// advance scaled to 1000 units and rounded.
	scale := 1000 / float64(f.unitsPerEm)
	f.missingWidth = int(math.Floor(scale*float64(f.measured(0)) + 0.5))
	f.bmpWidth = make([]uint16, len(f.bmp))
	for r, g := range f.bmp {
		f.bmpWidth[r] = noWidth
		if g != 0 {
			f.bmpWidth[r] = uint16(math.Round(scale * float64(f.measured(g))))
		}
	}
	return f, nil
}

// measured is glyph g's advance as fpdf measures it: an advance of 2¹⁵
// units or more counts as none.
func (f *face) measured(g uint16) uint16 {
	if a := f.advances[g]; a < 1<<15 {
		return a
	}
	return 0
}

func (f *face) readMetrics(longMetrics int) error {
	hmtx := f.tables["hmtx"]
	if longMetrics == 0 || longMetrics > f.numGlyphs || len(hmtx) < 4*longMetrics {
		return errors.New("pdf: bad horizontal metrics")
	}
	if len(hmtx) < 4*longMetrics+2*(f.numGlyphs-longMetrics) {
		return errors.New("pdf: horizontal metrics too short")
	}
	f.advances = make([]uint16, f.numGlyphs)
	f.bearings = make([]uint16, f.numGlyphs)
	for g := range f.numGlyphs {
		f.advances[g] = be16(hmtx[4*min(g, longMetrics-1):])
		if g < longMetrics {
			f.bearings[g] = be16(hmtx[4*g+2:])
		} else {
			f.bearings[g] = be16(hmtx[4*longMetrics+2*(g-longMetrics):])
		}
	}
	return nil
}

func (f *face) readLoca() error {
	loca, glyf := f.tables["loca"], f.tables["glyf"]
	f.loca = make([]uint32, f.numGlyphs+1)
	for g := range f.loca {
		if f.longLoca {
			if len(loca) < 4*(g+1) {
				return errors.New("pdf: loca too short")
			}
			f.loca[g] = be32(loca[4*g:])
		} else {
			if len(loca) < 2*(g+1) {
				return errors.New("pdf: loca too short")
			}
			f.loca[g] = 2 * uint32(be16(loca[2*g:]))
		}
		if int(f.loca[g]) > len(glyf) || g > 0 && f.loca[g] < f.loca[g-1] {
			return fmt.Errorf("pdf: bad loca entry %d", g)
		}
	}
	return nil
}

// readCmap reads the Unicode character map: format 4 for the BMP (as fpdf
// does) and format 12, if there is one, for the other planes.
func (f *face) readCmap() error {
	cmap := f.tables["cmap"]
	if len(cmap) < 4 {
		return errors.New("pdf: cmap too short")
	}
	var bmp, full []byte
	for i := range int(be16(cmap[2:])) {
		rec := cmap[4+8*i:]
		if len(rec) < 8 {
			return errors.New("pdf: cmap too short")
		}
		platform, encoding, off := be16(rec), be16(rec[2:]), int(be32(rec[4:]))
		if off+4 > len(cmap) || platform != 0 && platform != 3 {
			continue
		}
		switch format := be16(cmap[off:]); {
		case format == 4 && bmp == nil && (platform == 0 || encoding == 1):
			bmp = cmap[off:]
		case format == 12 && full == nil && (platform == 0 || encoding == 10):
			full = cmap[off:]
		}
	}
	if bmp == nil {
		return errors.New("pdf: font has no Unicode cmap of format 4")
	}
	f.bmp = make([]uint16, 0x10000)
	if len(bmp) < 14 || int(be16(bmp[2:])) > len(bmp) {
		return errors.New("pdf: cmap format 4 too short")
	}
	bmp = bmp[:be16(bmp[2:])]
	segs := int(be16(bmp[6:])) / 2
	if len(bmp) < 16+8*segs {
		return errors.New("pdf: cmap format 4 too short")
	}
	ends, starts, deltas, offsets := bmp[14:], bmp[16+2*segs:], bmp[16+4*segs:], bmp[16+6*segs:]
	for s := range segs {
		start, end, delta, ro := int(be16(starts[2*s:])), int(be16(ends[2*s:])), be16(deltas[2*s:]), int(be16(offsets[2*s:]))
		for c := start; c <= end && c < 0xFFFF; c++ {
			g := uint16(c) + delta
			if ro != 0 {
				at := 16 + 6*segs + 2*s + ro + 2*(c-start)
				if at+2 > len(bmp) {
					continue
				}
				if g = be16(bmp[at:]); g != 0 {
					g += delta
				}
			}
			if int(g) < f.numGlyphs {
				f.bmp[c] = g
			}
		}
	}
	if full != nil && len(full) >= 16 {
		n := int(be32(full[12:]))
		for i := range n {
			grp := full[16+12*i:]
			if len(grp) < 12 {
				break
			}
			start, end, g := be32(grp), be32(grp[4:]), be32(grp[8:])
			for c := start; c <= end && c <= unicodeMax && end-start < 0x110000; c++ {
				if c >= 0x10000 && g+(c-start) < uint32(f.numGlyphs) {
					if f.astral == nil {
						f.astral = map[rune]uint16{}
					}
					f.astral[rune(c)] = uint16(g + (c - start))
				}
			}
		}
	}
	return nil
}

const unicodeMax = 0x10FFFF

// readDescriptor computes the font descriptor's metrics as fpdf does.
func (f *face) readDescriptor() {
	scale := 1000 / float64(f.unitsPerEm)
	head, hhea := f.tables["head"], f.tables["hhea"]
	for i := range 4 {
		f.bbox[i] = int(float64(int16(be16(head[36+2*i:]))) * scale)
	}
	f.ascent = int(float64(int16(be16(hhea[4:]))) * scale)
	f.descent = int(float64(int16(be16(hhea[6:]))) * scale)
	weight := 500
	f.capHeight = f.ascent
	if os2 := f.tables["OS/2"]; len(os2) >= 78 {
		weight = int(be16(os2[4:]))
		if f.ascent == 0 {
			f.ascent = int(float64(int16(be16(os2[68:]))) * scale)
		}
		if f.descent == 0 {
			f.descent = int(float64(int16(be16(os2[70:]))) * scale)
		}
		if be16(os2) > 1 && len(os2) >= 90 {
			f.capHeight = int(float64(int16(be16(os2[88:]))) * scale)
		}
	}
	f.stemV = 50 + int(math.Pow(float64(weight)/65, 2))
	post := f.tables["post"]
	f.italicAngle = int(int16(be16(post[4:])))
	f.flags = 4 // symbolic (fpdf sets it, and clears nonsymbolic)
	if f.italicAngle != 0 {
		f.flags |= 64
	}
	if weight >= 600 {
		f.flags |= 262144
	}
	if len(post) >= 16 && be32(post[12:]) != 0 {
		f.flags |= 1
	}
}

// glyph is r's glyph, 0 (.notdef) when the font lacks it.
func (f *face) glyph(r rune) uint16 {
	if r >= 0 && r < 0x10000 {
		return f.bmp[r]
	}
	return f.astral[r]
}

// width is r's advance in thousandths of an em, as fpdf measures it (a
// character the font lacks is missingWidth wide).
func (f *face) width(r rune) int {
	if r >= 0 && r < 0x10000 {
		if w := f.bmpWidth[r]; w != noWidth {
			return int(w)
		}
		return f.missingWidth
	}
	if g, ok := f.astral[r]; ok && g != 0 {
		return int(math.Round(1000 / float64(f.unitsPerEm) * float64(f.measured(g))))
	}
	return f.missingWidth
}

// units is the width of s in thousandths of an em (fpdf's
// GetStringSymbolWidth).
func (f *face) units(s string) int {
	w := 0
	for _, r := range s {
		w += f.width(r)
	}
	return w
}

// Glyph flags of a composite glyph's components.
const (
	argsAreWords    = 0x0001
	haveScale       = 0x0008
	moreComponents  = 0x0020
	haveXYScale     = 0x0040
	haveTwoByTwo    = 0x0080
	haveInstruction = 0x0100
)

// subset returns a TrueType font of the glyphs of runes, in that order:
// glyph 0 is .notdef and glyph i (1 … len(runes)) is runes[i-1]'s, so that a
// character's code in the document (its CID) is its glyph number; glyphs
// that composite glyphs are made of follow. The outlines and metrics are
// the font's, byte for byte; the hinting instructions are left out (they
// were half of the glyph data: PDF viewers draw without them, and a
// subset is no font to install), and so are the tables only hinting or
// character mapping needs (a CID font is drawn through its CIDs).
func (f *face) subset(runes []rune) ([]byte, error) {
	glyphs := make([]uint16, 1, len(runes)+1)
	for _, r := range runes {
		glyphs = append(glyphs, f.glyph(r))
	}
	added := map[uint16]uint16{} // a composite's component: its new number
	glyf := make([]byte, 0, 64*len(glyphs))
	loca := make([]uint32, 0, len(glyphs)+1)
	for i := 0; i < len(glyphs); i++ { // glyphs grows with components
		loca = append(loca, uint32(len(glyf)))
		g := glyphs[i]
		data := f.tables["glyf"][f.loca[g]:f.loca[g+1]]
		if len(data) == 0 {
			continue
		}
		if len(data) < 10 {
			return nil, fmt.Errorf("pdf: glyph %d too short", g)
		}
		var err error
		if contours := int16(be16(data)); contours >= 0 {
			glyf, err = appendSimple(glyf, data, int(contours))
		} else {
			glyf, err = appendComposite(glyf, data, func(c uint16) uint16 {
				n, ok := added[c]
				if !ok {
					n = uint16(len(glyphs))
					added[c] = n
					glyphs = append(glyphs, c)
				}
				return n
			})
		}
		if err != nil {
			return nil, fmt.Errorf("pdf: glyph %d: %w", g, err)
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	if len(glyphs) > 0xFFFF {
		return nil, errors.New("pdf: too many glyphs")
	}
	loca = append(loca, uint32(len(glyf)))
	long := len(glyf) > 0x1FFFC
	var locaData []byte
	for _, at := range loca {
		if long {
			locaData = binary.BigEndian.AppendUint32(locaData, at)
		} else {
			locaData = binary.BigEndian.AppendUint16(locaData, uint16(at/2))
		}
	}
	hmtx := make([]byte, 0, 4*len(glyphs))
	for _, g := range glyphs {
		hmtx = binary.BigEndian.AppendUint16(hmtx, f.advances[g])
		hmtx = binary.BigEndian.AppendUint16(hmtx, f.bearings[g])
	}
	head := append([]byte(nil), f.tables["head"]...)
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], boolWord(long))
	hhea := append([]byte(nil), f.tables["hhea"]...)
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(glyphs)))
	maxp := append([]byte(nil), f.tables["maxp"]...)
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(glyphs)))
	if len(maxp) >= 28 {
		binary.BigEndian.PutUint16(maxp[26:], 0) // maxSizeOfInstructions
	}
	post := append([]byte(nil), f.tables["post"][:32]...)
	binary.BigEndian.PutUint32(post, 0x00030000) // no glyph names
	tables := map[string][]byte{"glyf": glyf, "head": head, "hhea": hhea, "hmtx": hmtx, "loca": locaData,
		"maxp": maxp, "post": post}
	for _, t := range []string{"name", "OS/2"} { // the font's names and copyright; its weight and class
		if data := f.tables[t]; data != nil {
			tables[t] = data
		}
	}
	return assemble(tables), nil
}

// appendSimple appends a simple glyph without its instructions (and
// without the padding that may follow its coordinates).
func appendSimple(out, data []byte, contours int) ([]byte, error) {
	at := 10 + 2*contours // the instructions' length
	if len(data) < at+2 {
		return nil, errors.New("simple glyph too short")
	}
	points := 0
	if contours > 0 {
		points = int(be16(data[at-2:])) + 1
	}
	n := int(be16(data[at:]))
	outline := at + 2 + n
	end, err := outlineEnd(data, outline, points)
	if err != nil {
		return nil, err
	}
	out = append(out, data[:at]...)
	out = append(out, 0, 0)
	return append(out, data[outline:end]...), nil
}

// Simple glyph flags.
const (
	xShort    = 0x02
	yShort    = 0x04
	repeat    = 0x08
	xSameOrUp = 0x10
	ySameOrUp = 0x20
)

// outlineEnd is where the flags and coordinates of points points starting
// at at end.
func outlineEnd(data []byte, at, points int) (int, error) {
	xBytes, yBytes := 0, 0
	for p := 0; p < points; {
		if at >= len(data) {
			return 0, errors.New("glyph flags past its end")
		}
		flags := data[at]
		at++
		count := 1
		if flags&repeat != 0 {
			if at >= len(data) {
				return 0, errors.New("glyph flags past its end")
			}
			count += int(data[at])
			at++
		}
		p += count
		switch {
		case flags&xShort != 0:
			xBytes += count
		case flags&xSameOrUp == 0:
			xBytes += 2 * count
		}
		switch {
		case flags&yShort != 0:
			yBytes += count
		case flags&ySameOrUp == 0:
			yBytes += 2 * count
		}
	}
	end := at + xBytes + yBytes
	if end > len(data) {
		return 0, errors.New("glyph coordinates past its end")
	}
	return end, nil
}

// appendComposite appends a composite glyph without its instructions, its
// components renumbered by renumber.
func appendComposite(out, data []byte, renumber func(uint16) uint16) ([]byte, error) {
	out = append(out, data[:10]...)
	at := 10
	for {
		if len(data) < at+4 {
			return nil, errors.New("composite glyph too short")
		}
		flags := be16(data[at:])
		size := 4
		if flags&argsAreWords != 0 {
			size += 4
		} else {
			size += 2
		}
		switch {
		case flags&haveScale != 0:
			size += 2
		case flags&haveXYScale != 0:
			size += 4
		case flags&haveTwoByTwo != 0:
			size += 8
		}
		if len(data) < at+size {
			return nil, errors.New("composite glyph too short")
		}
		c := len(out)
		out = append(out, data[at:at+size]...)
		binary.BigEndian.PutUint16(out[c:], flags&^haveInstruction)
		binary.BigEndian.PutUint16(out[c+2:], renumber(be16(data[at+2:])))
		at += size
		if flags&moreComponents == 0 {
			break
		}
	}
	return out, nil
}

// assemble writes tables as a TrueType font, with their checksums and the
// head table's checkSumAdjustment.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	pow, log := 1, 0
	for pow*2 <= n {
		pow, log = pow*2, log+1
	}
	size := 12 + 16*n
	for _, t := range tags {
		size += (len(tables[t]) + 3) &^ 3
	}
	out := make([]byte, 12+16*n, size)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(16*pow))
	binary.BigEndian.PutUint16(out[8:], uint16(log))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-16*pow))
	headAt := 0
	for i, t := range tags {
		data := tables[t]
		rec := out[12+16*i:]
		copy(rec, t)
		binary.BigEndian.PutUint32(rec[4:], checksum(data))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(data)))
		if t == "head" {
			headAt = len(out)
		}
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(data []byte) uint32 {
	var sum uint32
	for i := 0; i < len(data); i += 4 {
		var w [4]byte
		copy(w[:], data[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

func boolWord(b bool) uint16 {
	if b {
		return 1
	}
	return 0
}

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }

// charset is the characters a document has drawn, numbered from 1 in the
// order they were first drawn: a character's number is its code in the
// document's text (two bytes, Identity-H) and its glyph's number in the
// document's subset of the font.
type charset struct {
	face  *face
	bmp   []uint16 // code by BMP character, 0 when not drawn yet
	other map[rune]uint16
	runes []rune // by code - 1
}

func newCharset(f *face) *charset { return &charset{face: f, bmp: make([]uint16, 0x10000)} }

// code is r's code, numbering r if it is new (0, .notdef, once 65,535
// characters are numbered).
func (c *charset) code(r rune) uint16 {
	if r >= 0 && r < 0x10000 {
		if n := c.bmp[r]; n != 0 {
			return n
		}
	} else if n, ok := c.other[r]; ok {
		return n
	}
	if len(c.runes) >= 0xFFFF {
		return 0
	}
	c.runes = append(c.runes, r)
	n := uint16(len(c.runes))
	if r >= 0 && r < 0x10000 {
		c.bmp[r] = n
	} else {
		if c.other == nil {
			c.other = map[rune]uint16{}
		}
		c.other[r] = n
	}
	return n
}

// encode appends the codes of s to buf, two bytes each.
func (c *charset) encode(buf []byte, s string) []byte {
	for _, r := range s {
		n := c.code(r)
		buf = append(buf, byte(n>>8), byte(n))
	}
	return buf
}
