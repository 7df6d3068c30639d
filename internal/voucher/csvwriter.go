package voucher

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

// csvFlushAt is the size at which a csvWriter hands its rows on.
const csvFlushAt = 32 << 10

// csvWriter writes rows in encoding/csv's dialect (comma separated, "\n"
// after each row, a cell quoted only when it must be), each cell
// neutralised, in the chosen encoding. It appends to one buffer that it
// hands on whenever it passes csvFlushAt, so memory stays constant however
// many rows there are; a code's row costs no allocation in UTF-8.
type csvWriter struct {
	out  io.Writer // a Shift_JIS encoder over the caller's writer for Shift_JIS
	sjis *encoding.Encoder
	buf  []byte
	cell int // cells written in the current row
	last struct{ in, out []byte }
}

func newCSV(out io.Writer, enc Encoding) (*csvWriter, error) {
	c := &csvWriter{out: out, buf: make([]byte, 0, csvFlushAt+4<<10)}
	if enc == ShiftJIS {
		c.sjis = japanese.ShiftJIS.NewEncoder()
		c.out = japanese.ShiftJIS.NewEncoder().Writer(out)
	} else if _, err := out.Write([]byte("\uFEFF")); err != nil {
		return nil, err
	}
	return c, nil
}

// cp932 replaces the characters Shift_JIS (CP932) cannot encode with "?".
func (c *csvWriter) cp932(s string) string {
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

func (c *csvWriter) sep() {
	if c.cell > 0 {
		c.buf = append(c.buf, ',')
	}
	c.cell++
}

// text writes one cell: made encodable, neutralised, quoted if needed.
func (c *csvWriter) text(s string) {
	c.sep()
	c.buf = appendField(c.buf, c.encodable(s))
}

func (c *csvWriter) encodable(s string) string {
	if c.sjis != nil && !isASCII(s) {
		return c.cp932(s)
	}
	return s
}

// bytes writes a cell read from the database without copying it first.
func (c *csvWriter) bytes(b []byte) {
	if needsCare(b) {
		c.text(string(b))
		return
	}
	c.sep()
	c.buf = append(c.buf, b...)
}

// repeated writes a cell that is often the same as the last time it was
// called (a product name), reusing what it wrote then.
func (c *csvWriter) repeated(b []byte) {
	if c.last.in == nil || string(b) != string(c.last.in) {
		c.last.in = append(c.last.in[:0], b...)
		c.last.out = appendField(c.last.out[:0], c.encodable(string(b)))
	}
	c.sep()
	c.buf = append(c.buf, c.last.out...)
}

// int writes a number (a negative one is neutralised like any cell).
func (c *csvWriter) int(n int64) {
	if n < 0 {
		c.text(strconv.FormatInt(n, 10))
		return
	}
	c.sep()
	c.buf = strconv.AppendInt(c.buf, n, 10)
}

// timestamp writes t in Japan time with its zone (RFC 3339).
func (c *csvWriter) timestamp(t time.Time) {
	c.sep()
	c.buf = appendRFC3339(c.buf, t.In(clock.Tokyo))
}

// date writes the calendar day of a DATE column (as written, whatever its zone).
func (c *csvWriter) date(t time.Time) {
	c.sep()
	c.buf = appendDate(c.buf, t)
}

// empty writes n empty cells.
func (c *csvWriter) empty(n int) {
	for range n {
		c.sep()
	}
}

func (c *csvWriter) row(cells ...string) error {
	for _, s := range cells {
		c.text(s)
	}
	return c.end()
}

// end finishes the row and hands the buffer on once it is full enough.
func (c *csvWriter) end() error {
	c.buf = append(c.buf, '\n')
	c.cell = 0
	if len(c.buf) < csvFlushAt {
		return nil
	}
	return c.flush()
}

func (c *csvWriter) flush() error {
	_, err := c.out.Write(c.buf)
	c.buf = c.buf[:0]
	return err
}

func (c *csvWriter) close() error { return c.flush() }
