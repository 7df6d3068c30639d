package voucher

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/csvout"
	"github.com/ccp-partner/portal/internal/postgres"
)

// OrderColumns and CodeColumns are the manual's column names (V-5).
var (
	OrderColumns = strings.Split("id,name,status,cost,cost_plus_tax,currency,created_date,expiration_date,receipt_id,notes", ",")
	CodeColumns  = strings.Split("id,value,product_name,no_of_fqdns,no_of_wildcards,shipping_method,validity_years,validity_days,"+
		"status,created_date,voucher_order_id,cert_request_date,cert_validity_start_date,cert_validity_end_date,cert_organization,"+
		"cert_common_name,certificate_order_id,voucher_validity_end_date,order_valid_from,order_valid_till,server_licenses", ",")
)

// The exports write nothing to w until their first query has succeeded, so
// that the caller can still answer a failure with an error page.

// WriteOrdersCSV streams partnerID's orders that f selects (all pages).
func (s *Service) WriteOrdersCSV(ctx context.Context, w io.Writer, partnerID int64, f ListFilter, enc Encoding) error {
	f.Before = 0
	where, args := listQuery(partnerID, f, s.Clock.Now())
	rows, err := s.DB.Query(ctx, `SELECT o.id, o.customer, o.status, o.total, o.tax_rate, o.created_at, o.expires_on, o.memo
		FROM voucher_orders o `+where+` ORDER BY o.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	more := rows.Next() // the query's first answer, or its error, before the first byte
	if err := rows.Err(); err != nil {
		return err
	}
	out, err := csvout.New(w, enc)
	if err != nil {
		return err
	}
	if err := out.Row(OrderColumns...); err != nil {
		return err
	}
	for ; more; more = rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Customer, &o.Status, &o.Total, &o.TaxRate, &o.CreatedAt, &o.ExpiresOn, &o.Memo); err != nil {
			return err
		}
		out.Int(o.ID)
		out.Text(o.Customer)
		out.Text(statusLabel(o.Status))
		out.Int(int64(o.Total))
		out.Int(int64(o.TotalWithTax()))
		out.Text("JPY")
		out.Timestamp(o.CreatedAt)
		out.Date(o.ExpiresOn)
		out.Text("R" + itoa(o.ID))
		out.Text(o.Memo)
		if err := out.End(); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return out.Close()
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
// whatever the table's statistics say), what they were ordered for is
// read once per order line and kept in a small cache, and the certificate
// orders of the batch's Used codes are read in one more query
// (readCertificates). Memory stays constant however many codes there are.
func (s *Service) writeCodes(ctx context.Context, w io.Writer, lang string, enc Encoding, where string, args ...any) error {
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if _, err := q.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`); err != nil {
			return err
		}
		// Many short index-driven queries: compiling one (JIT, when a
		// batch's estimate crosses jit_above_cost) costs more than it runs.
		if _, err := q.Exec(ctx, `SET LOCAL jit = off`); err != nil {
			return err
		}
		r := codeReader{q: q, lang: lang, where: where, args: args, lines: map[lineKey]*csvLine{}}
		if err := r.next(ctx); err != nil {
			return err
		}
		out, err := csvout.New(w, enc)
		if err != nil {
			return err
		}
		if err := out.Row(CodeColumns...); err != nil {
			return err
		}
		cutoff := expiryCutoff(s.Clock.Now())
		for {
			for i := range r.codes {
				if err := writeCode(out, &r.codes[i], r.certs, r.text, cutoff); err != nil {
					return err
				}
			}
			if len(r.codes) < codesPerBatch {
				return out.Close()
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
	cert                     int32 // 1 + its index in the batch's certificates; 0: none
}

// csvCert is a Used code's counting certificate order (as certJoin picks
// it) with its newest certificate; its common name is the batch's
// text[name:nameEnd], its organization text[nameEnd:orgEnd]. The zero
// csvCert (noCert) stands for a code without one.
type csvCert struct {
	order                                            int64
	requested, notBefore, notAfter, validFrom, until pgtype.Timestamptz
	name, nameEnd, orgEnd                            int
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
	used        []int64   // the batch's Used codes
	certs       []csvCert // their certificate orders
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
	r.used, r.certs = r.used[:0], r.certs[:0]
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
		if string(status) == CodeUsed {
			r.used = append(r.used, c.id)
		}
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
	return r.readCertificates(ctx)
}

// csvCertificates reads the counting certificate order of each Used code
// of $1 (ascending ids, the first $2 and the last $3), as certJoin picks
// it, with its newest certificate, in code id order: the orders of the
// batch's codes are one index scan of certificate_orders_code (the range
// keeps the planner on the index however large the batch is against the
// table), sorted by code; each picked order's newest certificate and first
// issuance are two short index scans of certificates_order. The
// voucher_code_id condition keeps another partner's orders out: the ids
// are the partner's codes.
const csvCertificates = `SELECT co.voucher_code_id, co.id, co.requested_at, crt.not_before, crt.not_after, ` + certValidFrom + `,
		co.plan_ends_at, co.common_name, co.organization
	FROM (SELECT DISTINCT ON (co.voucher_code_id) co.voucher_code_id, co.id, co.requested_at, co.common_name, co.organization,
			co.decided_at, co.plan_ends_at
		FROM certificate_orders co WHERE co.voucher_code_id = ANY ($1) AND co.voucher_code_id BETWEEN $2 AND $3
		ORDER BY co.voucher_code_id, co.status IN ('pending', 'issued') DESC, co.id DESC) co
	LEFT JOIN LATERAL (SELECT crt.not_before, crt.not_after
		FROM certificates crt WHERE crt.order_id = co.id ORDER BY crt.id DESC LIMIT 1) crt ON true
	ORDER BY co.voucher_code_id`

// readCertificates gives the batch's Used codes (r.used) their
// certificate orders (csvCertificates): one query a batch, whose rows come
// in code id order like the batch, so that each finds its code by walking
// forward.
func (r *codeReader) readCertificates(ctx context.Context) error {
	if len(r.used) == 0 {
		return nil
	}
	rows, err := r.q.Query(ctx, csvCertificates, r.used, r.used[0], r.used[len(r.used)-1])
	if err != nil {
		return err
	}
	defer rows.Close()
	var codeID int64
	var name, org pgtype.DriverBytes
	i := 0
	for rows.Next() {
		var cert csvCert
		if err := rows.Scan(&codeID, &cert.order, &cert.requested, &cert.notBefore, &cert.notAfter, &cert.validFrom, &cert.until,
			&name, &org); err != nil {
			return err
		}
		for i < len(r.codes) && r.codes[i].id != codeID {
			i++
		}
		if i == len(r.codes) {
			return fmt.Errorf("voucher: certificate order %d of code %d out of order", cert.order, codeID)
		}
		cert.name = len(r.text)
		r.text = append(r.text, name...)
		cert.nameEnd = len(r.text)
		r.text = append(r.text, org...)
		cert.orgEnd = len(r.text)
		r.certs = append(r.certs, cert)
		r.codes[i].cert = int32(len(r.certs))
	}
	return rows.Err()
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
// (cert_* and certificate_order_id, order_valid_from, order_valid_till,
// server_licenses) are empty for a code that is not Used: no certificate
// was requested with it (or its request was cancelled and gave the code
// back). A Used code has those of its counting certificate order:
// the request date, the newest certificate's validity, the names, the
// order's id, and the order's plan from its first issuance to its end
// (empty while the request waits for validation). A code Used without a
// certificate order has its use as request date and its voucher order's
// date and expiry as order_valid_from and order_valid_till.
func writeCode(c *csvout.Writer, r *csvCode, certs []csvCert, text []byte, cutoff time.Time) error {
	l := r.line
	c.Int(r.id)
	c.Bytes(text[r.start:r.codeEnd])
	c.Repeated(l.name)
	c.Int(int64(l.fqdns))
	c.Int(int64(l.wildcards))
	if l.shipToken {
		c.Text("hardware_token")
	} else {
		c.Text("N/A")
	}
	c.Int(int64(l.years))
	c.Int(int64(l.days))
	status := text[r.codeEnd:r.stateEnd]
	if string(status) == CodeActive && expired(l.expiresOn, cutoff) {
		c.Text(CodeExpired)
	} else {
		c.Bytes(status)
	}
	c.Timestamp(r.createdAt)
	c.Int(r.key.order)
	used := string(status) == CodeUsed
	var cert *csvCert
	if r.cert > 0 {
		cert = &certs[r.cert-1]
	} else {
		cert = &noCert
	}
	if !used {
		c.Empty(6) // cert_request_date … certificate_order_id
		c.Date(l.expiresOn)
		c.Empty(3) // order_valid_from, order_valid_till, server_licenses
		return c.End()
	}
	switch {
	case cert.order != 0 && cert.requested.Valid:
		c.Timestamp(cert.requested.Time)
	case r.usedAt.Valid:
		c.Timestamp(r.usedAt.Time)
	default:
		c.Empty(1)
	}
	timestamp(c, cert.notBefore)
	timestamp(c, cert.notAfter)
	c.Bytes(text[cert.nameEnd:cert.orgEnd])
	c.Bytes(text[cert.name:cert.nameEnd])
	if cert.order != 0 {
		c.Int(cert.order)
	} else {
		c.Empty(1)
	}
	c.Date(l.expiresOn)
	if cert.order != 0 {
		day(c, cert.validFrom)
		day(c, cert.until)
	} else {
		c.Date(l.ordered)
		c.Date(l.expiresOn)
	}
	c.Text("1")
	return c.End()
}

// noCert is the certificate order of a code that has none.
var noCert csvCert

// timestamp writes t as csvout.Timestamp does, or an empty cell for NULL.
func timestamp(c *csvout.Writer, t pgtype.Timestamptz) {
	if t.Valid {
		c.Timestamp(t.Time)
	} else {
		c.Empty(1)
	}
}

// day writes t's calendar day in Japan time, or an empty cell for NULL.
func day(c *csvout.Writer, t pgtype.Timestamptz) {
	if t.Valid {
		c.Date(t.Time.In(clock.Tokyo))
	} else {
		c.Empty(1)
	}
}

func statusLabel(s string) string {
	if s == OrderCancelled {
		return "Canceled"
	}
	return "Completed"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Encoding of a CSV download (csvout): UTF8BOM or ShiftJIS.
type Encoding = csvout.Encoding

// The CSV encodings.
const (
	UTF8BOM  = csvout.UTF8BOM
	ShiftJIS = csvout.ShiftJIS
)
