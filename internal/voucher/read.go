package voucher

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/postgres"
)

// ListFilter narrows the order list; zero fields do not filter.
type ListFilter struct {
	Status     string    // completed, cancelled
	CodeStatus string    // active, used, cancelled, expired: orders having such a code
	From, To   time.Time // order dates in [From, To): To is the day after the last (valid.Errors.Period); zero: open
	Customer   string    // part of the customer name
	Before     int64     // keyset cursor: orders with a smaller id
	Limit      int
}

// orderColumns are one order with its group and author. Codes counts the
// current codes; CodeStates holds the distinct states among them that
// forbid a cancel (Used, Cancelled), read from a small partial index
// (migration 000006), so that neither grows with the order's codes.
const orderColumns = `o.id, o.partner_id, o.group_id, g.name, o.created_at, o.order_date, o.expires_on, o.customer, o.memo,
	o.total, o.tax_rate, o.status, o.cancelled_at, u.username, o.on_behalf,
	(SELECT count(*) FROM voucher_codes c WHERE c.order_id = o.id AND c.status <> 'reissued')::int,
	` + spentStates

const spentStates = `ARRAY(SELECT DISTINCT c.status FROM voucher_codes c WHERE c.order_id = o.id AND c.status IN ('used', 'cancelled'))`

const orderFrom = ` FROM voucher_orders o JOIN management_groups g ON g.id = o.group_id JOIN users u ON u.id = o.created_by `

func scanOrder(r pgx.CollectableRow) (Order, error) {
	var o Order
	err := r.Scan(&o.ID, &o.PartnerID, &o.GroupID, &o.GroupName, &o.CreatedAt, &o.OrderDate, &o.ExpiresOn, &o.Customer, &o.Memo,
		&o.Total, &o.TaxRate, &o.Status, &o.CancelledAt, &o.CreatedBy, &o.OnBehalf, &o.Codes, &o.CodeStates)
	o.OrderDate, o.ExpiresOn = clock.SameDay(o.OrderDate), clock.SameDay(o.ExpiresOn)
	return o, err
}

// listColumns are what the order list shows, without joins. Codes is the
// sum of the lines' quantities: every unit got one code, and a reissue
// retires one code for one new one, so it equals the count of current
// codes while reading one line per order instead of every code.
const listColumns = `o.id, o.partner_id, o.group_id, o.created_at, o.order_date, o.expires_on, o.customer, o.memo,
	o.total, o.tax_rate, o.status, o.cancelled_at, o.on_behalf,
	(SELECT coalesce(sum(l.quantity), 0) FROM voucher_order_lines l WHERE l.order_id = o.id)::int,
	` + spentStates

func scanListOrder(r pgx.CollectableRow) (Order, error) {
	var o Order
	err := r.Scan(&o.ID, &o.PartnerID, &o.GroupID, &o.CreatedAt, &o.OrderDate, &o.ExpiresOn, &o.Customer, &o.Memo,
		&o.Total, &o.TaxRate, &o.Status, &o.CancelledAt, &o.OnBehalf, &o.Codes, &o.CodeStates)
	o.OrderDate, o.ExpiresOn = clock.SameDay(o.OrderDate), clock.SameDay(o.ExpiresOn)
	return o, err
}

// Orders lists partnerID's orders newest first, Limit at a time (at most
// 200), and returns the cursor of the next page (0 at the end). The listed
// orders leave GroupName and CreatedBy empty (Order has them).
func (s *Service) Orders(ctx context.Context, partnerID int64, f ListFilter) ([]Order, int64, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	sql, args := listQuery(partnerID, f, s.Clock.Now())
	rows, err := s.DB.Query(ctx, `SELECT `+listColumns+` FROM voucher_orders o `+sql+` ORDER BY o.id DESC LIMIT `+strconv.Itoa(f.Limit+1), args...)
	if err != nil {
		return nil, 0, err
	}
	orders, err := pgx.CollectRows(rows, scanListOrder)
	if err != nil || len(orders) <= f.Limit {
		return orders, 0, err
	}
	return orders[:f.Limit], orders[f.Limit-1].ID, nil
}

// listQuery builds the WHERE clause of the order list: every condition
// takes the partner id first, so another partner's orders never match.
func listQuery(partnerID int64, f ListFilter, now time.Time) (string, []any) {
	where := []string{"o.partner_id = $1"}
	args := []any{partnerID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Before > 0 {
		add("o.id < ?", f.Before)
	}
	if f.Status != "" {
		add("o.status = ?", f.Status)
	}
	if !f.From.IsZero() {
		add("o.order_date >= ?", f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		add("o.order_date < ?", f.To.Format(time.DateOnly))
	}
	if f.Customer != "" {
		add("o.customer ILIKE ?", "%"+escapeLike(f.Customer)+"%")
	}
	const hasActive = " AND EXISTS (SELECT 1 FROM voucher_codes c WHERE c.order_id = o.id AND c.status = 'active')"
	switch f.CodeStatus {
	case CodeExpired:
		cond, arg := expiredSQL("o.expires_on", now)
		add(cond+hasActive, arg)
	case CodeActive:
		cond, arg := expiredSQL("o.expires_on", now)
		add("NOT ("+cond+")"+hasActive, arg)
	case CodeUsed, CodeCancelled:
		add("EXISTS (SELECT 1 FROM voucher_codes c WHERE c.order_id = o.id AND c.status = ?)", f.CodeStatus)
	}
	return "WHERE " + strings.Join(where, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Order returns order id of partnerID, or ErrOrderNotFound.
func (s *Service) Order(ctx context.Context, partnerID, id int64) (Order, error) {
	return getOrder(ctx, s.DB, partnerID, id)
}

func getOrder(ctx context.Context, q postgres.Querier, partnerID, id int64) (Order, error) {
	rows, err := q.Query(ctx, `SELECT `+orderColumns+orderFrom+` WHERE o.partner_id = $1 AND o.id = $2`, partnerID, id)
	if err != nil {
		return Order{}, err
	}
	o, err := pgx.CollectExactlyOneRow(rows, scanOrder)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, ErrOrderNotFound
	}
	return o, err
}

// codeColumns are one code with what it is for and, when it was reissued
// from another code, that code (r, through voucher_codes.replaces).
const codeColumns = `c.id, c.order_id, c.line_no, c.code, c.status, c.used_at, c.created_at,
	p.id, p.code, p.name_ja, p.name_en, p.kind, p.takes_fqdns, p.takes_wildcards, p.ships_token, p.max_years, p.active,
	l.years, l.fqdns, l.wildcards, l.ship_token, o.expires_on, coalesce(r.code, ''), c.partner_id, o.group_id`

const codeFrom = ` FROM voucher_codes c
	JOIN voucher_order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no
	JOIN voucher_orders o ON o.id = c.order_id
	JOIN products p ON p.id = l.product_id
	LEFT JOIN voucher_codes r ON r.id = c.replaces `

func scanCode(r pgx.CollectableRow) (Code, error) {
	var c Code
	p := &c.Product
	err := r.Scan(&c.ID, &c.OrderID, &c.LineNo, &c.Code, &c.Status, &c.UsedAt, &c.CreatedAt,
		&p.ID, &p.Code, &p.NameJA, &p.NameEN, &p.Kind, &p.TakesFQDNs, &p.TakesWildcards, &p.ShipsToken, &p.MaxYears, &p.Active,
		&c.Years, &c.FQDNs, &c.Wildcards, &c.ShipToken, &c.ExpiresOn, &c.ReissuedFrom, &c.PartnerID, &c.GroupID)
	c.ExpiresOn = clock.SameDay(c.ExpiresOn)
	return c, err
}

// Codes returns the current codes of order id of partnerID (reissued-away
// codes are left out), in code id order.
func (s *Service) Codes(ctx context.Context, partnerID, orderID int64) ([]Code, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+codeColumns+codeFrom+`
		WHERE c.partner_id = $1 AND c.order_id = $2 AND c.status <> 'reissued' ORDER BY c.id`, partnerID, orderID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCode)
}

// CodeByID returns code id of partnerID (not a reissued-away one), or ErrCodeNotFound.
func (s *Service) CodeByID(ctx context.Context, partnerID, id int64) (Code, error) {
	return oneCode(ctx, s.DB, `c.partner_id = $1 AND c.id = $2 AND c.status <> 'reissued'`, partnerID, id)
}

// FindCode returns partnerID's code with the value code (a reissued-away
// code is not found). It returns ErrSearchTooShort for fewer than
// MinCodeSearch characters, like every code search.
func (s *Service) FindCode(ctx context.Context, partnerID int64, code string) (Code, error) {
	code, err := codeSearch(code)
	if err != nil {
		return Code{}, err
	}
	return oneCode(ctx, s.DB, `c.partner_id = $1 AND c.code = $2 AND c.status <> 'reissued'`, partnerID, code)
}

// Redeemable returns the code with value code if an end user may use it
// now (Active, not expired, its order completed), for any partner.
func (s *Service) Redeemable(ctx context.Context, code string) (Code, error) {
	c, err := oneCode(ctx, s.DB, `c.code = $1 AND c.status <> 'reissued'`, strings.ToUpper(strings.TrimSpace(code)))
	if err != nil {
		return c, err
	}
	if c.Shown(s.Clock.Now()) != CodeActive {
		return c, ErrCodeNotUsable
	}
	return c, nil
}

func oneCode(ctx context.Context, q postgres.Querier, where string, args ...any) (Code, error) {
	rows, err := q.Query(ctx, `SELECT `+codeColumns+codeFrom+` WHERE `+where, args...)
	if err != nil {
		return Code{}, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCode)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrCodeNotFound
	}
	return c, err
}

// Lines returns the lines of order id of partnerID.
func (s *Service) Lines(ctx context.Context, partnerID, orderID int64) ([]Line, error) {
	rows, err := s.DB.Query(ctx, `
		SELECT l.line_no, p.id, p.code, p.name_ja, p.name_en, p.kind, p.takes_fqdns, p.takes_wildcards, p.ships_token, p.max_years, p.active,
		       l.years, l.fqdns, l.wildcards, l.quantity, l.ship_token, l.unit_price, l.amount
		FROM voucher_order_lines l JOIN voucher_orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
		WHERE o.partner_id = $1 AND l.order_id = $2 ORDER BY l.line_no`, partnerID, orderID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Line, error) {
		var l Line
		p := &l.Product
		err := r.Scan(&l.No, &p.ID, &p.Code, &p.NameJA, &p.NameEN, &p.Kind, &p.TakesFQDNs, &p.TakesWildcards, &p.ShipsToken,
			&p.MaxYears, &p.Active, &l.Years, &l.FQDNs, &l.Wildcards, &l.Quantity, &l.ShipToken, &l.UnitPrice, &l.Amount)
		return l, err
	})
}

// CodeFilter selects one page of an order's codes. After and Before are
// keyset cursors (code ids): the page after After, or the page before
// Before; with neither, the first page. Search keeps the codes that start
// with it (upper-cased; at least MinCodeSearch characters).
type CodeFilter struct {
	After, Before int64
	Search        string
	Limit         int // 100 when zero, at most 500
}

// MinCodeSearch is the fewest characters a code search takes: the five a
// masked code shows.
const MinCodeSearch = 5

// ErrSearchTooShort is returned for a code search of fewer than MinCodeSearch characters.
var ErrSearchTooShort = errors.New("voucher: a code search needs at least five characters")

// codeSearch is a typed code search as codes are stored (trimmed, upper
// case), or ErrSearchTooShort: every code search takes at least
// MinCodeSearch characters.
func codeSearch(typed string) (string, error) {
	search := strings.ToUpper(strings.TrimSpace(typed))
	if utf8.RuneCountInString(search) < MinCodeSearch {
		return "", ErrSearchTooShort
	}
	return search, nil
}

// CodePage is one page of an order's current codes, in code id order.
type CodePage struct {
	Codes []Code
	From  int // position of the first code among the matching codes, 1-based (0 when none)
	Total int // codes matching (all current codes without a search)
	Prev  int64
	Next  int64 // cursors: Before=Prev, After=Next (0 when there is no such page)

	// Certificates holds the certificate status of the page's Used codes
	// that have a certificate order, by code id.
	Certificates map[int64]CodeCertificate
}

// CodesPage returns one page of the current codes of order orderID of
// partnerID (keyset pagination on the code id, so every page costs the
// same), with the certificate status of its Used codes read in the same
// query (certJoin). It returns ErrSearchTooShort for a short search.
func (s *Service) CodesPage(ctx context.Context, partnerID, orderID int64, f CodeFilter) (CodePage, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	where := `c.partner_id = $1 AND c.order_id = $2 AND c.status <> 'reissued' AND c.code LIKE $3`
	prefix := "%"
	if strings.TrimSpace(f.Search) != "" {
		search, err := codeSearch(f.Search)
		if err != nil {
			return CodePage{}, err
		}
		prefix = escapeLike(search) + "%"
	}
	args := []any{partnerID, orderID, prefix}
	order, cursor := "c.id", ""
	switch {
	case f.After > 0:
		cursor, args = ` AND c.id > $4`, append(args, f.After)
	case f.Before > 0:
		order, cursor, args = "c.id DESC", ` AND c.id < $4`, append(args, f.Before)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+codeColumns+`, `+certColumns+codeFrom+certJoin+` WHERE `+where+cursor+
		` ORDER BY `+order+` LIMIT `+strconv.Itoa(f.Limit), args...)
	if err != nil {
		return CodePage{}, err
	}
	var p CodePage
	var cert certRow
	if p.Codes, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Code, error) {
		c, err := scanCode(withColumns{r, cert.dest()})
		if err == nil && cert.c.OrderID != 0 {
			if p.Certificates == nil {
				p.Certificates = map[int64]CodeCertificate{}
			}
			p.Certificates[c.ID] = cert.value()
		}
		return c, err
	}); err != nil || len(p.Codes) == 0 {
		return p, err
	}
	if f.Before > 0 {
		slices.Reverse(p.Codes)
	}
	return p, s.placePage(ctx, &p, where, args[:3])
}

// withColumns is a row whose Scan also fills more, the columns after
// those its scanner knows (codeColumns, then certColumns).
type withColumns struct {
	pgx.CollectableRow
	more []any
}

func (r withColumns) Scan(dest ...any) error {
	return r.CollectableRow.Scan(append(dest, r.more...)...)
}

// placePage counts the matching codes before, on and after the page and
// sets its position and cursors.
func (s *Service) placePage(ctx context.Context, p *CodePage, where string, args []any) error {
	first, last := p.Codes[0].ID, p.Codes[len(p.Codes)-1].ID
	var before, after int
	err := s.DB.QueryRow(ctx, `SELECT count(*) FILTER (WHERE c.id < $4), count(*) FILTER (WHERE c.id > $5), count(*)
		FROM voucher_codes c WHERE `+where, append(args, first, last)...).Scan(&before, &after, &p.Total)
	p.From = before + 1
	if before > 0 {
		p.Prev = first
	}
	if after > 0 {
		p.Next = last
	}
	return err
}
