package voucher

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/postgres"
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

// OrderColumns and CodeColumns are the manual's column names (V-5).
var (
	OrderColumns = strings.Split("id,name,status,cost,cost_plus_tax,currency,created_date,expiration_date,receipt_id,notes", ",")
	CodeColumns  = strings.Split("id,value,product_name,no_of_fqdns,no_of_wildcards,shipping_method,validity_years,validity_days,"+
		"status,created_date,voucher_order_id,cert_request_date,cert_validity_start_date,cert_validity_end_date,cert_organization,"+
		"cert_common_name,certificate_order_id,voucher_validity_end_date,order_valid_from,order_valid_till,server_licenses", ",")
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

// appendRFC3339 is t.AppendFormat(buf, time.RFC3339), about three times
// faster for the years and whole-minute zones it meets.
func appendRFC3339(buf []byte, t time.Time) []byte {
	_, offset := t.Zone()
	if t.Year() < 1000 || t.Year() > 9999 || offset%60 != 0 {
		return t.AppendFormat(buf, time.RFC3339)
	}
	buf = appendDate(buf, t)
	hour, minute, sec := t.Clock()
	buf = append(buf, 'T')
	buf = append2(buf, hour, ':')
	buf = append2(buf, minute, ':')
	buf = append2(buf, sec, 0)
	if offset == 0 {
		return append(buf, 'Z')
	}
	sign := byte('+')
	if offset < 0 {
		sign, offset = '-', -offset
	}
	buf = append(buf, sign)
	buf = append2(buf, offset/3600, ':')
	return append2(buf, offset/60%60, 0)
}

// appendDate is t.AppendFormat(buf, time.DateOnly) for four-digit years.
func appendDate(buf []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 1000 || y > 9999 {
		return t.AppendFormat(buf, time.DateOnly)
	}
	buf = append(buf, byte('0'+y/1000), byte('0'+y/100%10))
	buf = append2(buf, y%100, '-')
	buf = append2(buf, int(m), '-')
	return append2(buf, d, 0)
}

// append2 appends n (0 to 99) as two digits, then sep unless it is 0.
func append2(buf []byte, n int, sep byte) []byte {
	buf = append(buf, byte('0'+n/10), byte('0'+n%10))
	if sep != 0 {
		buf = append(buf, sep)
	}
	return buf
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

// appendField appends s neutralised and, when encoding/csv would quote it,
// quoted: empty is never quoted; `\.`, a comma, a quote, CR or LF, or a
// leading space makes it quoted, with quotes doubled.
func appendField(buf []byte, s string) []byte {
	s = Neutralize(s)
	if !fieldNeedsQuotes(s) {
		return append(buf, s...)
	}
	buf = append(buf, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		buf = append(append(buf, s[:i+1]...), '"')
		s = s[i+1:]
	}
	return append(append(buf, s...), '"')
}

// fieldNeedsQuotes is encoding/csv's rule for the comma and "\n".
func fieldNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` || strings.ContainsAny(s, ",\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// needsCare reports whether b might be changed by neutralising or quoting,
// or is not ASCII: plain codes, words and numbers are not.
func needsCare(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if strings.IndexByte("=+-@\t\r\n\v\f \\", b[0]) >= 0 {
		return true
	}
	for _, x := range b {
		if x >= 0x80 || x == ',' || x == '"' || x == '\r' || x == '\n' {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Neutralize keeps a spreadsheet from reading a cell as a formula: a cell
// that starts with = + - @, a tab or a carriage return gets a leading '.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteOrdersCSV streams partnerID's orders that f selects (all pages).
func (s *Service) WriteOrdersCSV(ctx context.Context, w io.Writer, partnerID int64, f ListFilter, enc Encoding) error {
	f.Before = 0
	where, args := listQuery(partnerID, f, clock.Date(s.Clock.Now()))
	rows, err := s.DB.Query(ctx, `SELECT o.id, o.customer, o.status, o.total, o.tax_rate, o.created_at, o.expires_on, o.memo
		FROM voucher_orders o `+where+` ORDER BY o.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	out, err := newCSV(w, enc)
	if err != nil {
		return err
	}
	if err := out.row(OrderColumns...); err != nil {
		return err
	}
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Customer, &o.Status, &o.Total, &o.TaxRate, &o.CreatedAt, &o.ExpiresOn, &o.Memo); err != nil {
			return err
		}
		out.int(o.ID)
		out.text(o.Customer)
		out.text(statusLabel(o.Status))
		out.int(int64(o.Total))
		out.int(int64(o.TotalWithTax()))
		out.text("JPY")
		out.timestamp(o.CreatedAt)
		out.date(o.ExpiresOn)
		out.text("R" + itoa(o.ID))
		out.text(o.Memo)
		if err := out.end(); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return out.close()
}

// WriteOrderCodesCSV streams the current codes of order id of partnerID;
// it returns ErrOrderNotFound for another partner's order.
func (s *Service) WriteOrderCodesCSV(ctx context.Context, w io.Writer, partnerID, orderID int64, lang string, enc Encoding) error {
	if _, err := s.Order(ctx, partnerID, orderID); err != nil {
		return err
	}
	return s.writeCodes(ctx, w, lang, enc, `c.partner_id = $1 AND c.order_id = $2 AND c.status <> 'reissued'`, partnerID, orderID)
}

// WriteUsedCodesCSV streams every Used code of partnerID.
func (s *Service) WriteUsedCodesCSV(ctx context.Context, w io.Writer, partnerID int64, lang string, enc Encoding) error {
	return s.writeCodes(ctx, w, lang, enc, `c.partner_id = $1 AND c.status = 'used'`, partnerID)
}

// codesPerBatch is how many codes a codes CSV reads at a time.
const codesPerBatch = 5000

// writeCodes streams the codes that where selects (args bind $1…), in id
// order, a batch at a time inside one read-only snapshot: a batch reads
// only the codes (keyset on the id, so every batch is an index range scan
// whatever the table's statistics say), and what they were ordered for is
// read once per order line and kept in a small cache. Memory stays
// constant however many codes there are.
func (s *Service) writeCodes(ctx context.Context, w io.Writer, lang string, enc Encoding, where string, args ...any) error {
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if _, err := q.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`); err != nil {
			return err
		}
		r := codeReader{q: q, lang: lang, where: where, args: args, lines: map[lineKey]*csvLine{}}
		if err := r.next(ctx); err != nil {
			return err
		}
		out, err := newCSV(w, enc)
		if err != nil {
			return err
		}
		if err := out.row(CodeColumns...); err != nil {
			return err
		}
		today := clock.Date(s.Clock.Now())
		for {
			for i := range r.codes {
				if err := out.code(&r.codes[i], r.text, today); err != nil {
					return err
				}
			}
			if len(r.codes) < codesPerBatch {
				return out.close()
			}
			if err := r.next(ctx); err != nil {
				return err
			}
		}
	})
}

// csvCode is one code read for a CSV; its code and status are kept in the
// batch's text (code is text[start:codeEnd], status text[codeEnd:stateEnd]),
// so that reading a batch allocates nothing once the first is read.
type csvCode struct {
	id                       int64
	key                      lineKey
	start, codeEnd, stateEnd int
	usedAt                   pgtype.Timestamptz
	createdAt                time.Time
	line                     *csvLine
}

// csvLine is what an order line's codes were ordered for.
type csvLine struct {
	name                    []byte
	fqdns, wildcards, years int
	shipToken               bool
	expiresOn, ordered      time.Time
	days                    int // validity days: from the order date to the same date years later
}

type lineKey struct {
	order int64
	line  int32
}

// maxCachedLines bounds the cache of order lines (10,000 lines: about 1 MB).
const maxCachedLines = 10_000

// codeReader reads the codes of a CSV a batch at a time.
type codeReader struct {
	q           postgres.Querier
	lang, where string
	args        []any
	codes       []csvCode
	text        []byte
	lines       map[lineKey]*csvLine
}

// next reads the batch after the current one, and the lines it needs.
func (r *codeReader) next(ctx context.Context) error {
	after := int64(0)
	if n := len(r.codes); n > 0 {
		after = r.codes[n-1].id
	}
	if len(r.lines) > maxCachedLines {
		clear(r.lines)
	}
	r.codes, r.text = r.codes[:0], r.text[:0]
	rows, err := r.q.Query(ctx, `SELECT c.id, c.order_id, c.line_no, c.code, c.status, c.used_at, c.created_at
		FROM voucher_codes c WHERE `+r.where+` AND c.id > $`+strconv.Itoa(len(r.args)+1)+`
		ORDER BY c.id LIMIT `+strconv.Itoa(codesPerBatch), append(r.args, after)...)
	if err != nil {
		return err
	}
	var orders []int64
	var code, status pgtype.DriverBytes
	var c csvCode // scanned into, then copied: one allocation per batch, not per row
	for rows.Next() {
		if err := rows.Scan(&c.id, &c.key.order, &c.key.line, &code, &status, &c.usedAt, &c.createdAt); err != nil {
			rows.Close()
			return err
		}
		c.start = len(r.text)
		r.text = append(r.text, code...)
		c.codeEnd = len(r.text)
		r.text = append(r.text, status...)
		c.stateEnd = len(r.text)
		if _, ok := r.lines[c.key]; !ok {
			r.lines[c.key] = nil
			if len(orders) == 0 || orders[len(orders)-1] != c.key.order {
				orders = append(orders, c.key.order)
			}
		}
		r.codes = append(r.codes, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := r.readLines(ctx, orders); err != nil {
		return err
	}
	for i := range r.codes {
		c := &r.codes[i]
		if c.line = r.lines[c.key]; c.line == nil {
			return fmt.Errorf("voucher: code %d has no order line", c.id)
		}
	}
	return nil
}

// readLines caches the lines of orders (ids that came from the partner's codes).
func (r *codeReader) readLines(ctx context.Context, orders []int64) error {
	if len(orders) == 0 {
		return nil
	}
	name := "p.name_en"
	if r.lang == "ja" {
		name = "p.name_ja"
	}
	rows, err := r.q.Query(ctx, `SELECT l.order_id, l.line_no, `+name+`, l.fqdns, l.wildcards, l.ship_token, l.years, o.expires_on, o.order_date
		FROM voucher_order_lines l JOIN voucher_orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
		WHERE l.order_id = ANY ($1)`, orders)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key lineKey
		l := &csvLine{}
		if err := rows.Scan(&key.order, &key.line, &l.name, &l.fqdns, &l.wildcards, &l.shipToken, &l.years, &l.expiresOn, &l.ordered); err != nil {
			return err
		}
		l.days = int(l.ordered.AddDate(l.years, 0, 0).Sub(l.ordered).Hours() / 24)
		r.lines[key] = l
	}
	return rows.Err()
}

// code writes one code in the manual's columns. The certificate columns
// stay empty until certificate requests exist (a later release fills them).
func (c *csvWriter) code(r *csvCode, text []byte, today time.Time) error {
	l := r.line
	c.int(r.id)
	c.bytes(text[r.start:r.codeEnd])
	c.repeated(l.name)
	c.int(int64(l.fqdns))
	c.int(int64(l.wildcards))
	if l.shipToken {
		c.text("hardware_token")
	} else {
		c.text("N/A")
	}
	c.int(int64(l.years))
	c.int(int64(l.days))
	if status := text[r.codeEnd:r.stateEnd]; string(status) == CodeActive && today.After(clock.SameDay(l.expiresOn)) {
		c.text(CodeExpired)
	} else {
		c.bytes(status)
	}
	c.timestamp(r.createdAt)
	c.int(r.key.order)
	if r.usedAt.Valid {
		c.timestamp(r.usedAt.Time)
	} else {
		c.text("")
	}
	for range 5 {
		c.text("")
	}
	c.date(l.expiresOn)
	c.date(l.ordered)
	c.date(l.expiresOn)
	c.text("1")
	return c.end()
}

func statusLabel(s string) string {
	if s == OrderCancelled {
		return "Canceled"
	}
	return "Completed"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
