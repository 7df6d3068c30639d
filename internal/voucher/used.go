package voucher

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
)

// UsedSorts are the columns a page of used codes sorts on (the CSV's
// names): each ties on the code id, so that pages never overlap.
var UsedSorts = []string{"id", "voucher_order_id", "cert_request_date", "created_date"}

// usedOrder is each sort column's SQL.
var usedOrder = map[string]string{"id": "", "voucher_order_id": "c.order_id", "cert_request_date": "c.used_at", "created_date": "c.created_at"}

// ErrUsedSort is returned for a sort column not in UsedSorts.
var ErrUsedSort = fault.New(fault.Invalid, "voucher: unknown sort column for used codes", "voucher.used_sort")

// UsedFilter selects one page of a partner's Used codes.
type UsedFilter struct {
	OrderID int64  // only this order's codes (0: every order)
	Product string // only codes of this product code (catalog.Product.Code; "": every product)
	Sort    string // one of UsedSorts ("": id)
	Desc    bool
	Limit   int // 100 when zero, at most 1000
	Offset  int
}

// UsedCode is one Used code with what it was ordered for: the CSV's
// columns (WriteUsedCodesCSV) as values.
type UsedCode struct {
	ID               int64
	Code             string
	OrderID          int64
	ProductCode      string
	ProductJA        string
	ProductEN        string
	FQDNs, Wildcards int
	Years            int
	ShipToken        bool
	UsedAt           pgtype.Timestamptz
	CreatedAt        time.Time
	OrderDate        time.Time
	ExpiresOn        time.Time
}

// ProductName is the product's name in lang (ja or en).
func (c UsedCode) ProductName(lang string) string {
	if lang == "ja" {
		return c.ProductJA
	}
	return c.ProductEN
}

// ValidityDays is the days from the order date to the same date Years
// later, as the CSV's validity_days.
func (c UsedCode) ValidityDays() int {
	return int(c.OrderDate.AddDate(c.Years, 0, 0).Sub(c.OrderDate).Hours() / 24)
}

// UsedCountAhead is how many matching codes past a page UsedCodes counts
// at most: the count reads index entries, never a partner's whole history.
const UsedCountAhead = 10_000

// UsedPage is one page of Used codes and how many match the filter.
type UsedPage struct {
	Codes  []UsedCode
	Total  int  // matching codes, counted up to Offset+Limit+UsedCountAhead
	Capped bool // more codes match than Total says
}

// UsedCodes returns one page of partnerID's Used codes. The page's ids
// are chosen first on the codes alone (sorted by id, an index range of
// voucher_codes_partner_status_id read forward or backward, so skipping
// offset codes reads only the index), then only those limit codes are
// joined to their lines, orders and products. Total counts the matching
// codes up to UsedCountAhead past the page. The other sort columns have no
// index: PostgreSQL keeps the top offset+limit codes while it reads the
// partner's Used codes (a bounded heap, but every code is read). It
// returns ErrUsedSort for a column not in UsedSorts.
func (s *Service) UsedCodes(ctx context.Context, partnerID int64, f UsedFilter) (UsedPage, error) {
	col, ok := usedOrder[f.Sort]
	if !ok && f.Sort != "" {
		return UsedPage{}, ErrUsedSort
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	f.Offset = max(f.Offset, 0)
	where := []string{"c.partner_id = $1", "c.status = 'used'"}
	args := []any{partnerID}
	from := "voucher_codes c"
	if f.OrderID != 0 {
		args = append(args, f.OrderID)
		where = append(where, "c.order_id = $"+strconv.Itoa(len(args)))
	}
	if f.Product != "" {
		args = append(args, f.Product)
		from += " JOIN voucher_order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no"
		where = append(where, "l.product_id = (SELECT p.id FROM products p WHERE p.code = $"+strconv.Itoa(len(args))+")")
	}
	dir := ""
	if f.Desc {
		dir = " DESC"
	}
	order := "c.id" + dir
	if col != "" {
		order = col + dir + ", c.id" + dir // a Used code always has its used_at: the index serves both directions
	}
	cond := strings.Join(where, " AND ")
	var p UsedPage
	counted := f.Offset + f.Limit + UsedCountAhead
	if err := s.DB.QueryRow(ctx, `SELECT count(*) FROM (SELECT FROM `+from+` WHERE `+cond+
		` LIMIT `+strconv.Itoa(counted+1)+`) c`, args...).Scan(&p.Total); err != nil {
		return p, err
	}
	if p.Total > counted {
		p.Total, p.Capped = counted, true
	}
	if p.Total <= f.Offset {
		return p, nil
	}
	rows, err := s.DB.Query(ctx, `WITH page AS MATERIALIZED (SELECT c.id FROM `+from+` WHERE `+cond+`
			ORDER BY `+order+` LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(f.Offset)+`)
		SELECT c.id, c.code, c.order_id, p.code, p.name_ja, p.name_en, l.fqdns, l.wildcards, l.years, l.ship_token,
		       c.used_at, c.created_at, o.order_date, o.expires_on
		FROM page JOIN voucher_codes c ON c.id = page.id
		JOIN voucher_order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no
		JOIN voucher_orders o ON o.id = c.order_id
		JOIN products p ON p.id = l.product_id
		ORDER BY `+order, args...)
	if err != nil {
		return p, err
	}
	p.Codes, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (UsedCode, error) {
		var c UsedCode
		err := r.Scan(&c.ID, &c.Code, &c.OrderID, &c.ProductCode, &c.ProductJA, &c.ProductEN, &c.FQDNs, &c.Wildcards, &c.Years,
			&c.ShipToken, &c.UsedAt, &c.CreatedAt, &c.OrderDate, &c.ExpiresOn)
		c.OrderDate, c.ExpiresOn = clock.SameDay(c.OrderDate), clock.SameDay(c.ExpiresOn)
		return c, err
	})
	return p, err
}
