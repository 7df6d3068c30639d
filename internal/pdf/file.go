package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// file is a Document's PDF file, made a segment at a time: a segment is an
// fpdf document of some of the Document's pages (all of them unless it
// flushes), whose objects are renumbered into the file as they come, their
// page contents compressed. What belongs to the whole file — the page
// tree, the font, the information dictionary and the catalogue, the
// cross-reference table — is written with the last segment. Until Write,
// the file is kept compressed, in the pieces the segments made.
type file struct {
	header  []byte   // the first segment's ("%PDF-1.3\n%µ¶\n"), its version raised to the highest a segment had
	pieces  [][]byte // the file after its header
	size    int      // their length
	offsets []int    // by object number, from the end of the header
	pages   []int    // the page objects, in order
	zw      *zlib.Writer
	out, z  bytes.Buffer // reused: a segment's objects, a compressed stream
}

// Objects that the file numbers itself: the page tree, and the Type0 font
// (its other objects are numbered after the last segment's).
const (
	pagesObject = 1
	fontObject  = 2
)

var (
	rootRE     = regexp.MustCompile(`/Root (\d+) 0 R`)
	infoRE     = regexp.MustCompile(`/Info (\d+) 0 R`)
	mediaBoxRE = regexp.MustCompile(`/MediaBox \[[^\]]*\]`)
	versionRE  = regexp.MustCompile(`^%PDF-1\.(\d)\n`)
)

func newFile() *file {
	zw, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return &file{offsets: make([]int, fontObject+1), zw: zw}
}

// segment adds the objects of doc, an fpdf document written without
// compression: its pages (unless blank, a last segment that fpdf gave the
// page every document must have), their contents, resources and images.
// The last segment also gives the file's information dictionary and
// catalogue, and the file is finished with the page tree and chars' font.
func (f *file) segment(doc []byte, last, blank bool, chars *charset) error {
	objects, xref, err := readXref(doc)
	if err != nil {
		return err
	}
	tail := doc[xref:]
	root, info := refIn(rootRE, tail), refIn(infoRE, tail)
	if root == 0 || info == 0 {
		return errors.New("pdf: no catalogue or information in the trailer")
	}
	if err := f.setHeader(doc[:objects[0].at]); err != nil {
		return err
	}
	// Number the objects kept, in the order they are written.
	number := map[int]int{pagesObject: pagesObject}
	var mediaBox []byte
	placeholder := 0
	for i, o := range objects {
		chunk := doc[o.at:end(objects, i, xref)]
		body := chunk[bytes.IndexByte(chunk, '\n')+1:]
		switch {
		case o.num == pagesObject:
			mediaBox = mediaBoxRE.Find(body)
		case bytes.Equal(body, placeholderObject):
			placeholder = o.num
			number[o.num] = fontObject
		case !last && (o.num == root || o.num == info):
		case blank && o.num != root && o.num != info:
			// the blank page, its contents and resources
		default:
			number[o.num] = len(f.offsets)
			f.offsets = append(f.offsets, 0)
		}
	}
	if placeholder == 0 {
		return errors.New("pdf: the document's font is missing")
	}
	out := &f.out
	out.Reset()
	for i, o := range objects {
		n, ok := number[o.num]
		if !ok || n == pagesObject || n == fontObject {
			continue
		}
		f.offsets[n] = f.size + out.Len()
		chunk := doc[o.at:end(objects, i, xref)]
		if err := f.object(out, n, chunk[bytes.IndexByte(chunk, '\n')+1:], number); err != nil {
			return fmt.Errorf("pdf: object %d: %w", o.num, err)
		}
	}
	if last {
		if err := f.finish(out, mediaBox, number[root], number[info], chars); err != nil {
			return err
		}
	}
	f.pieces = append(f.pieces, bytes.Clone(out.Bytes())) // no spare capacity kept
	f.size += out.Len()
	return nil
}

// object writes an object's body (from after "N 0 obj\n" to after
// "endobj\n") as object n: its references renumbered, and its stream
// compressed unless it is already.
func (f *file) object(out *bytes.Buffer, n int, body []byte, number map[int]int) error {
	fmt.Fprintf(out, "%d 0 obj\n", n)
	dict, rest, err := renumber(out, body, number)
	if err != nil {
		return err
	}
	isPage := bytes.HasPrefix(body, []byte("<</Type /Page\n"))
	if isPage {
		f.pages = append(f.pages, n)
	}
	if !bytes.HasPrefix(rest, []byte("\nstream\n")) {
		out.Write(rest)
		return nil
	}
	m := plainDictRE.FindSubmatch(dict)
	if m == nil { // compressed already (an image)
		out.Write(rest)
		return nil
	}
	length, _ := strconv.Atoi(string(m[1]))
	data := rest[len("\nstream\n"):]
	if len(data) != length+len("\nendstream\nendobj\n") || !bytes.HasSuffix(data, []byte("\nendstream\nendobj\n")) {
		return errors.New("stream length mismatch")
	}
	// The dictionary was <</Length L>>: write it again compressed.
	out.Truncate(out.Len() - len(dict))
	z := &f.z
	z.Reset()
	f.zw.Reset(z)
	if _, err := f.zw.Write(data[:length]); err != nil {
		return err
	}
	if err := f.zw.Close(); err != nil {
		return err
	}
	fmt.Fprintf(out, "<</Filter /FlateDecode /Length %d>>\nstream\n", z.Len())
	out.Write(z.Bytes())
	out.WriteString("\nendstream\nendobj\n")
	return nil
}

var plainDictRE = regexp.MustCompile(`^<</Length (\d+)>>$`)

// finish writes the page tree, the font and the cross-reference table and
// trailer.
func (f *file) finish(out *bytes.Buffer, mediaBox []byte, root, info int, chars *charset) error {
	f.offsets[pagesObject] = f.size + out.Len()
	fmt.Fprintf(out, "%d 0 obj\n<</Type /Pages\n/Kids [", pagesObject)
	for _, p := range f.pages {
		fmt.Fprintf(out, "%d 0 R ", p)
	}
	fmt.Fprintf(out, "]\n/Count %d\n%s\n>>\nendobj\n", len(f.pages), mediaBox)
	at, err := chars.fontObjects(out, fontObject, len(f.offsets), f.zw)
	if err != nil {
		return err
	}
	f.offsets[fontObject] = f.size + at[0]
	for _, a := range at[1:] {
		f.offsets = append(f.offsets, f.size+a)
	}
	xref := f.size + out.Len()
	fmt.Fprintf(out, "xref\n0 %d\n0000000000 65535 f \n", len(f.offsets))
	for _, at := range f.offsets[1:] {
		fmt.Fprintf(out, "%010d 00000 n \n", len(f.header)+at)
	}
	fmt.Fprintf(out, "trailer\n<<\n/Size %d\n/Root %d 0 R\n/Info %d 0 R\n>>\nstartxref\n%d\n%%%%EOF\n",
		len(f.offsets), root, info, len(f.header)+xref)
	return nil
}

// setHeader keeps the first segment's header, with the highest version
// of any segment.
func (f *file) setHeader(h []byte) error {
	m := versionRE.FindSubmatch(h)
	if m == nil {
		return errors.New("pdf: unexpected header")
	}
	if f.header == nil {
		f.header = append([]byte(nil), h...)
	} else if len(h) != len(f.header) {
		return errors.New("pdf: segments with different headers")
	}
	if m[1][0] > f.header[len("%PDF-1.")] {
		f.header[len("%PDF-1.")] = m[1][0]
	}
	return nil
}

// writeTo writes the finished file to w.
func (f *file) writeTo(w io.Writer) error {
	if _, err := w.Write(f.header); err != nil {
		return err
	}
	for _, p := range f.pieces {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

func refIn(re *regexp.Regexp, b []byte) int {
	m := re.FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// renumber writes body's first object (a dictionary, an array, a number…)
// to out with every reference "N 0 R" to an object of number made one to
// number[N], leaving strings alone; it returns what it wrote and the rest
// of body (a stream's keyword and data, "endobj").
func renumber(out *bytes.Buffer, body []byte, number map[int]int) (written, rest []byte, err error) {
	start := out.Len()
	depth := 0 // of << and [
	i := 0
	for i < len(body) {
		c := body[i]
		switch {
		case c == '(':
			j, err := skipString(body, i)
			if err != nil {
				return nil, nil, err
			}
			out.Write(body[i:j])
			i = j
			continue
		case c == '<' && i+1 < len(body) && body[i+1] == '<':
			depth++
			out.WriteString("<<")
			i += 2
			continue
		case c == '>' && i+1 < len(body) && body[i+1] == '>':
			depth--
			out.WriteString(">>")
			i += 2
			if depth == 0 {
				return out.Bytes()[start:], body[i:], nil
			}
			continue
		case c == '<': // a hexadecimal string
			j := bytes.IndexByte(body[i:], '>')
			if j < 0 {
				return nil, nil, errors.New("unterminated hexadecimal string")
			}
			out.Write(body[i : i+j+1])
			i += j + 1
			continue
		case c == '[':
			depth++
		case c == ']':
			depth--
			if depth == 0 {
				out.WriteByte(c)
				return out.Bytes()[start:], body[i+1:], nil
			}
		case c >= '0' && c <= '9' && (i == 0 || isDelimiter(body[i-1])):
			if n, j, ok := reference(body, i); ok {
				if m, found := number[n]; found {
					n = m
				} else {
					return nil, nil, fmt.Errorf("reference to object %d, which is not written", n)
				}
				fmt.Fprintf(out, "%d 0 R", n)
				i = j
				continue
			}
		case depth == 0 && c == '\n': // a bare object (a number)
			return out.Bytes()[start:], body[i:], nil
		}
		out.WriteByte(c)
		i++
	}
	return nil, nil, errors.New("unterminated object")
}

// reference reads "N 0 R" at i, followed by a delimiter.
func reference(b []byte, i int) (n, end int, ok bool) {
	j := i
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		n = n*10 + int(b[j]-'0')
		j++
	}
	if !bytes.HasPrefix(b[j:], []byte(" 0 R")) {
		return 0, 0, false
	}
	j += len(" 0 R")
	if j < len(b) && !isDelimiter(b[j]) {
		return 0, 0, false
	}
	return n, j, true
}

func isDelimiter(c byte) bool {
	switch c {
	case ' ', '\n', '\r', '\t', '\f', 0, '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skipString returns the end of the literal string at i.
func skipString(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, errors.New("unterminated string")
}
