package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
)

// Output writes d to w as d.Output would with compression on, byte for
// byte, but compresses the page contents with one reused compressor:
// fpdf starts a new one per page, about 1 MB of memory to allocate and
// clear each, which made a 1,000-page document allocate over a gigabyte and
// spend most of its time doing so. d is closed with compression off, then
// each page's content stream is compressed on the way out and the
// cross-reference table rewritten.
func Output(d *fpdf.Fpdf, w io.Writer) error {
	doc, err := uncompressed(d)
	if err != nil {
		return err
	}
	return compressPages(doc, w)
}

// uncompressed closes d and returns its bytes, with compression off.
func uncompressed(d *fpdf.Fpdf) ([]byte, error) {
	d.SetCompression(false)
	var doc capture
	if err := d.Output(&doc); err != nil {
		return nil, err
	}
	return doc.b, nil
}

// capture keeps what fpdf's Output writes. fpdf writes its whole document,
// which it built in memory, in one Write: capture keeps that slice rather
// than a copy of it (a copy was the size of the uncompressed document
// again), and copies only if a second Write comes.
type capture struct {
	b     []byte
	owned bool
}

func (c *capture) Write(p []byte) (int, error) {
	switch {
	case c.b == nil:
		c.b = p
	case !c.owned:
		c.b = append(append(make([]byte, 0, len(c.b)+len(p)), c.b...), p...)
		c.owned = true
	default:
		c.b = append(c.b, p...)
	}
	return len(p), nil
}

// object is one indirect object of the document: its number and where it
// starts.
type object struct{ num, at int }

var (
	startxrefRE = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`)
	xrefHeadRE  = regexp.MustCompile(`^xref\n0 (\d+)\n`)
	contentsRE  = regexp.MustCompile(`^\d+ 0 obj\n<</Type /Page\n(?s:.*)/Contents (\d+) 0 R>>\nendobj\n$`)
	plainRE     = regexp.MustCompile(`^(\d+ 0 obj\n)<</Length (\d+)>>\nstream\n`)
)

// compressPages copies doc to w with each page's uncompressed content
// stream compressed (fpdf's level and dictionary) and the offsets of the
// cross-reference table and of startxref made to match.
func compressPages(doc []byte, w io.Writer) error {
	objects, xref, err := readXref(doc)
	if err != nil {
		return err
	}
	contents := map[int]bool{}
	for i, o := range objects {
		if m := contentsRE.FindSubmatch(doc[o.at:end(objects, i, xref)]); m != nil {
			n, _ := strconv.Atoi(string(m[1]))
			contents[n] = true
		}
	}
	out := &countingWriter{w: w}
	zw, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	var packed bytes.Buffer
	offsets := make([]int, len(objects)+1)
	if _, err := out.Write(doc[:objects[0].at]); err != nil { // header
		return err
	}
	for i, o := range objects {
		offsets[o.num] = out.n
		chunk := doc[o.at:end(objects, i, xref)]
		if contents[o.num] {
			if chunk, err = compressStream(chunk, zw, &packed); err != nil {
				return err
			}
		}
		if _, err := out.Write(chunk); err != nil {
			return err
		}
	}
	return writeXref(out, doc[xref:], offsets)
}

// readXref returns the document's objects in the order they are written
// and where its cross-reference table starts.
func readXref(doc []byte) ([]object, int, error) {
	m := startxrefRE.FindSubmatch(doc)
	if m == nil {
		return nil, 0, errors.New("pdf: no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if xref <= 0 || xref >= len(doc) {
		return nil, 0, errors.New("pdf: startxref out of range")
	}
	head := xrefHeadRE.FindSubmatch(doc[xref:])
	if head == nil {
		return nil, 0, errors.New("pdf: no xref table")
	}
	count, _ := strconv.Atoi(string(head[1]))
	entries := doc[xref+len(head[0]):]
	const entryLen = 20 // "0000000009 00000 n \n"
	if count < 2 || len(entries) < count*entryLen {
		return nil, 0, errors.New("pdf: short xref table")
	}
	objects := make([]object, 0, count-1)
	for num := 1; num < count; num++ {
		at, err := strconv.Atoi(string(entries[num*entryLen : num*entryLen+10]))
		if err != nil || at <= 0 || at >= xref {
			return nil, 0, fmt.Errorf("pdf: bad xref entry %d", num)
		}
		objects = append(objects, object{num, at})
	}
	slices.SortFunc(objects, func(a, b object) int { return a.at - b.at })
	return objects, xref, nil
}

func end(objects []object, i, xref int) int {
	if i+1 < len(objects) {
		return objects[i+1].at
	}
	return xref
}

// compressStream turns "N 0 obj\n<</Length L>>\nstream\n…\nendstream\nendobj\n"
// into its /FlateDecode form, as fpdf writes it with compression on.
func compressStream(chunk []byte, zw *zlib.Writer, packed *bytes.Buffer) ([]byte, error) {
	m := plainRE.FindSubmatch(chunk)
	if m == nil {
		return nil, errors.New("pdf: unexpected page content object")
	}
	n, _ := strconv.Atoi(string(m[2]))
	data := chunk[len(m[0]):]
	if len(data) != n+len("\nendstream\nendobj\n") || !bytes.HasSuffix(data, []byte("\nendstream\nendobj\n")) {
		return nil, errors.New("pdf: page content length mismatch")
	}
	var z bytes.Buffer
	zw.Reset(&z)
	if _, err := zw.Write(data[:n]); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	packed.Reset()
	packed.Write(m[1])
	fmt.Fprintf(packed, "<</Filter /FlateDecode /Length %d>>\nstream\n", z.Len())
	packed.Write(z.Bytes())
	packed.WriteString("\nendstream\nendobj\n")
	return packed.Bytes(), nil
}

// writeXref writes the cross-reference table with the new offsets, then
// the trailer as it was and startxref.
func writeXref(out *countingWriter, tail []byte, offsets []int) error {
	xref := out.n
	var b bytes.Buffer
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets))
	for _, at := range offsets[1:] {
		fmt.Fprintf(&b, "%010d 00000 n \n", at)
	}
	trailer := bytes.Index(tail, []byte("trailer\n"))
	startxref := bytes.LastIndex(tail, []byte("startxref\n"))
	if trailer < 0 || startxref < trailer {
		return errors.New("pdf: no trailer")
	}
	if bytes.Contains(tail[trailer:startxref], []byte("/Encrypt")) {
		return errors.New("pdf: Output does not rewrite encrypted documents")
	}
	b.Write(tail[trailer:startxref])
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", xref)
	_, err := out.Write(b.Bytes())
	return err
}

type countingWriter struct {
	w io.Writer
	n int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += n
	return n, err
}
