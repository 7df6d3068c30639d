package voucher

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/money"
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

// csvWriter writes neutralised rows in the chosen encoding, flushing as it
// goes so that memory stays constant however many rows there are.
type csvWriter struct {
	w    *csv.Writer
	sjis *encoding.Encoder // set for Shift_JIS: checks each non-ASCII rune
	rows int
}

func newCSV(out io.Writer, enc Encoding) (*csvWriter, error) {
	c := &csvWriter{}
	if enc == ShiftJIS {
		c.sjis = japanese.ShiftJIS.NewEncoder()
		out = japanese.ShiftJIS.NewEncoder().Writer(out)
	} else if _, err := out.Write([]byte("\uFEFF")); err != nil {
		return nil, err
	}
	c.w = csv.NewWriter(out)
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

func (c *csvWriter) write(cells []string) error {
	for i, s := range cells {
		if c.sjis != nil {
			s = c.cp932(s)
		}
		cells[i] = Neutralize(s)
	}
	if err := c.w.Write(cells); err != nil {
		return err
	}
	if c.rows++; c.rows%500 == 0 {
		c.w.Flush()
		return c.w.Error()
	}
	return nil
}

func (c *csvWriter) close() error {
	c.w.Flush()
	return c.w.Error()
}

// Neutralize keeps a spreadsheet from reading a cell as a formula: a cell
// that starts with = + - @, a tab or a carriage return gets a leading '.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// timestamp formats t in Japan time with its zone (RFC 3339).
func timestamp(t time.Time) string { return t.In(clock.Tokyo).Format(time.RFC3339) }

func date(t time.Time) string { return clock.SameDay(t).Format(time.DateOnly) }

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
	if err := out.write(append([]string(nil), OrderColumns...)); err != nil {
		return err
	}
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Customer, &o.Status, &o.Total, &o.TaxRate, &o.CreatedAt, &o.ExpiresOn, &o.Memo); err != nil {
			return err
		}
		if err := out.write([]string{itoa(o.ID), o.Customer, statusLabel(o.Status), yen(o.Total), yen(o.TotalWithTax()), "JPY",
			timestamp(o.CreatedAt), date(o.ExpiresOn), "R" + itoa(o.ID), o.Memo}); err != nil {
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

func (s *Service) writeCodes(ctx context.Context, w io.Writer, lang string, enc Encoding, where string, args ...any) error {
	rows, err := s.DB.Query(ctx, `SELECT `+codeColumns+`, o.order_date`+codeFrom+` WHERE `+where+` ORDER BY c.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	out, err := newCSV(w, enc)
	if err != nil {
		return err
	}
	if err := out.write(append([]string(nil), CodeColumns...)); err != nil {
		return err
	}
	now := s.Clock.Now()
	for rows.Next() {
		c, ordered, err := scanCodeWithDate(rows)
		if err != nil {
			return err
		}
		if err := out.write(codeRow(c, ordered, lang, now)); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return out.close()
}

func scanCodeWithDate(rows pgx.Rows) (Code, time.Time, error) {
	var c Code
	var ordered time.Time
	p := &c.Product
	err := rows.Scan(&c.ID, &c.OrderID, &c.LineNo, &c.Code, &c.Status, &c.UsedAt, &c.CreatedAt,
		&p.ID, &p.Code, &p.NameJA, &p.NameEN, &p.Kind, &p.TakesFQDNs, &p.TakesWildcards, &p.ShipsToken, &p.MaxYears, &p.Active,
		&c.Years, &c.FQDNs, &c.Wildcards, &c.ShipToken, &c.ExpiresOn, &ordered)
	return c, clock.SameDay(ordered), err
}

// codeRow is one code in the manual's columns. The certificate columns stay
// empty until certificate requests exist (a later release fills them).
func codeRow(c Code, ordered time.Time, lang string, now time.Time) []string {
	shipping := "N/A"
	if c.ShipToken {
		shipping = "hardware_token"
	}
	used := ""
	if c.UsedAt != nil {
		used = timestamp(*c.UsedAt)
	}
	days := int(ordered.AddDate(c.Years, 0, 0).Sub(ordered).Hours() / 24)
	return []string{itoa(c.ID), c.Code, c.Product.Name(lang), strconv.Itoa(c.FQDNs), strconv.Itoa(c.Wildcards), shipping,
		strconv.Itoa(c.Years), strconv.Itoa(days), c.Shown(now), timestamp(c.CreatedAt), itoa(c.OrderID), used, "", "", "", "", "",
		date(c.ExpiresOn), date(ordered), date(c.ExpiresOn), "1"}
}

func statusLabel(s string) string {
	if s == OrderCancelled {
		return "Canceled"
	}
	return "Completed"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func yen(y money.Yen) string { return strconv.FormatInt(int64(y), 10) }
