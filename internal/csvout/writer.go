// Package csvout writes CSV downloads for Japanese spreadsheets: UTF-8 with
// a byte-order mark (or Shift_JIS on request), encoding/csv's dialect, and
// every cell neutralised so that a spreadsheet never reads it as a formula.
// A Writer keeps its memory constant however many rows it writes.
package csvout

import (
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/ccp-partner/portal/internal/clock"
)

// Encoding of a CSV download: UTF-8 with a byte-order mark, so that Excel
// on Japanese Windows opens it correctly when double-clicked, or Shift_JIS
// (CP932) on request; characters CP932 lacks become "?".
type Encoding int

// CSV encodings.
const (
	UTF8BOM Encoding = iota
	ShiftJIS
)

// flushAt is the size at which a Writer hands its rows on.
const flushAt = 32 << 10

// Writer writes rows in encoding/csv's dialect (comma separated, "\n"
// after each row, a cell quoted only when it must be), each cell
// neutralised, in the chosen encoding. It appends to one buffer that it
// hands on whenever it passes flushAt, so memory stays constant however
// many rows there are; a code's row costs no allocation in UTF-8.
type Writer struct {
	out  io.Writer // a Shift_JIS encoder over the caller's writer for Shift_JIS
	sjis *encoding.Encoder
	buf  []byte
	cell int // cells written in the current row
	last struct{ in, out []byte }
}

// New starts a CSV in enc on out (writing the byte-order mark for UTF8BOM).
func New(out io.Writer, enc Encoding) (*Writer, error) {
	c := &Writer{out: out, buf: make([]byte, 0, flushAt+4<<10)}
	if enc == ShiftJIS {
		c.sjis = japanese.ShiftJIS.NewEncoder()
		c.out = japanese.ShiftJIS.NewEncoder().Writer(out)
	} else if _, err := out.Write([]byte("\uFEFF")); err != nil {
		return nil, err
	}
	return c, nil
}

// cp932 replaces the characters Shift_JIS (CP932) cannot encode with "?".
func (c *Writer) cp932(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 {
			return r
		}
		if _, err := c.sjis.String(string(r)); err != nil {
			return '?'
		}
		return r
	}, s)
}

func (c *Writer) sep() {
	if c.cell > 0 {
		c.buf = append(c.buf, ',')
	}
	c.cell++
}

// Text writes one cell: made encodable, neutralised, quoted if needed.
func (c *Writer) Text(s string) {
	c.sep()
	c.buf = appendField(c.buf, c.encodable(s))
}

func (c *Writer) encodable(s string) string {
	if c.sjis != nil && !isASCII(s) {
		return c.cp932(s)
	}
	return s
}

// Bytes writes a cell read from the database without copying it first.
func (c *Writer) Bytes(b []byte) {
	if needsCare(b) {
		c.Text(string(b))
		return
	}
	c.sep()
	c.buf = append(c.buf, b...)
}

// Repeated writes a cell that is often the same as the last time it was
// called (a product name), reusing what it wrote then.
func (c *Writer) Repeated(b []byte) {
	if c.last.in == nil || string(b) != string(c.last.in) {
		c.last.in = append(c.last.in[:0], b...)
		c.last.out = appendField(c.last.out[:0], c.encodable(string(b)))
	}
	c.sep()
	c.buf = append(c.buf, c.last.out...)
}

// Int writes a number (a negative one is neutralised like any cell).
func (c *Writer) Int(n int64) {
	if n < 0 {
		c.Text(strconv.FormatInt(n, 10))
		return
	}
	c.sep()
	c.buf = strconv.AppendInt(c.buf, n, 10)
}

// Timestamp writes t in Japan time with its zone (RFC 3339).
func (c *Writer) Timestamp(t time.Time) {
	c.sep()
	c.buf = appendRFC3339(c.buf, t.In(clock.Tokyo))
}

// Date writes the calendar day of a DATE column (as written, whatever its zone).
func (c *Writer) Date(t time.Time) {
	c.sep()
	c.buf = appendDate(c.buf, t)
}

// Empty writes n empty cells.
func (c *Writer) Empty(n int) {
	for range n {
		c.sep()
	}
}

// Row writes cells as one row.
func (c *Writer) Row(cells ...string) error {
	for _, s := range cells {
		c.Text(s)
	}
	return c.End()
}

// End finishes the row and hands the buffer on once it is full enough.
func (c *Writer) End() error {
	c.buf = append(c.buf, '\n')
	c.cell = 0
	if len(c.buf) < flushAt {
		return nil
	}
	return c.flush()
}

func (c *Writer) flush() error {
	_, err := c.out.Write(c.buf)
	c.buf = c.buf[:0]
	return err
}

// Close writes what is buffered.
func (c *Writer) Close() error { return c.flush() }
