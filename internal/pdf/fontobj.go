package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"hash/fnv"
	"strconv"
	"unicode/utf16"
)

// fontObjects writes the PDF objects of c's font: the Type0 font
// (Identity-H) as object num, and its CIDFont, font descriptor, font
// program (the subset) and ToUnicode map as objects first to first+3. A
// code is its glyph's number (CIDToGIDMap /Identity), and the ToUnicode
// map gives each code its character, so that text extraction and search
// read the text as it was drawn. It returns where in out each object
// starts, num's first.
func (c *charset) fontObjects(out *bytes.Buffer, num, first int, zw *zlib.Writer) ([]int, error) {
	font, err := c.face.subset(c.runes)
	if err != nil {
		return nil, err
	}
	f := c.face
	name := c.subsetTag() + "+" + Font
	at := []int{out.Len()}
	fmt.Fprintf(out, "%d 0 obj\n<</Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R>>\nendobj\n",
		num, name, first, first+3)
	at = append(at, out.Len())
	fmt.Fprintf(out, "%d 0 obj\n<</Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> /FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW %d /W [%s]>>\nendobj\n",
		first, name, first+1, f.missingWidth, c.widths())
	at = append(at, out.Len())
	fmt.Fprintf(out, "%d 0 obj\n<</Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [%d %d %d %d] /ItalicAngle %d /Ascent %d /Descent %d /CapHeight %d /StemV %d /MissingWidth %d /FontFile2 %d 0 R>>\nendobj\n",
		first+1, name, f.flags, f.bbox[0], f.bbox[1], f.bbox[2], f.bbox[3], f.italicAngle, f.ascent, f.descent, f.capHeight, f.stemV, f.missingWidth, first+2)
	at = append(at, out.Len())
	if err := stream(out, first+2, font, "/Length1 "+strconv.Itoa(len(font)), zw); err != nil {
		return nil, err
	}
	at = append(at, out.Len())
	return at, stream(out, first+3, c.toUnicode(), "", zw)
}

// stream writes data compressed as stream object num, with more in its
// dictionary.
func stream(out *bytes.Buffer, num int, data []byte, more string, zw *zlib.Writer) error {
	var z bytes.Buffer
	zw.Reset(&z)
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Fprintf(out, "%d 0 obj\n<</Filter /FlateDecode /Length %d%s>>\nstream\n", num, z.Len(), prefixSpace(more))
	out.Write(z.Bytes())
	out.WriteString("\nendstream\nendobj\n")
	return nil
}

func prefixSpace(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}

// widths is the CIDFont's /W array: the widths, as Document measures
// them, of the codes whose width is not the default, in runs of
// consecutive codes.
func (c *charset) widths() string {
	var b bytes.Buffer
	open := false
	for i, r := range c.runes {
		w := c.face.width(r)
		if w == c.face.missingWidth {
			if open {
				b.WriteString("]")
				open = false
			}
			continue
		}
		if !open {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Itoa(i + 1))
			b.WriteString(" [")
			open = true
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(w))
	}
	if open {
		b.WriteString("]")
	}
	return b.String()
}

// toUnicode is the CMap from each code to its character.
func (c *charset) toUnicode() []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for start := 0; start < len(c.runes); start += 100 { // at most 100 a block
		block := c.runes[start:min(start+100, len(c.runes))]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(block))
		for i, r := range block {
			fmt.Fprintf(&b, "<%04X> <", start+i+1)
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

// subsetTag is the six capital letters before a subset's font name,
// derived from its characters (the same characters, the same tag).
func (c *charset) subsetTag() string {
	h := fnv.New64a()
	for _, r := range c.runes {
		h.Write([]byte(string(r)))
	}
	n := h.Sum64()
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = byte('A' + n%26)
		n /= 26
	}
	return string(tag)
}
