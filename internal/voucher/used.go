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

// UsedCode is one Used code with what it was ordered for and its
// certificate: the CSV's columns (WriteUsedCodesCSV) as values.
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
	Certificate      CodeCertificate // what the code was redeemed for (zero when it has no certificate order)
}

// RequestDate is when the code's certificate was requested: its
// certificate order's request, else the code's use.
func (c UsedCode) RequestDate() (time.Time, bool) {
	if c.Certificate.OrderID != 0 {
		return c.Certificate.RequestedAt, true
	}
	return c.UsedAt.Time, c.UsedAt.Valid
}

// OrderValidity is the code's order_valid_from and order_valid_till (as
// calendar days in Japan time): its certificate order's plan — the first
// issuance to the plan's end, each zero while unknown (a pending request)
// — or, for a code used without a certificate order, its voucher order's
// date and expiry.
func (c UsedCode) OrderValidity() (from, till time.Time) {
	if c.Certificate.OrderID == 0 {
		return c.OrderDate, c.ExpiresOn
	}
	return tokyoDay(c.Certificate.ValidFrom), tokyoDay(c.Certificate.PlanEndsAt)
}

// tokyoDay is t's calendar day in Japan time (zero for zero).
func tokyoDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return clock.Date(t)
}

// The certificate order statuses (certificate_orders.status).
const (
	CertificatePending   = "pending"
	CertificateIssued    = "issued"
	CertificateRejected  = "rejected"
	CertificateCancelled = "cancelled"
)

// CodeCertificate is the certificate status of a Used code: its counting
// certificate order — the live one (pending or issued; at most one per
// code) else the newest — and that order's newest certificate. Times not
// known yet are zero.
type CodeCertificate struct {
	OrderID      int64  // certificate_orders.id (0: the code has no certificate order)
	Status       string // CertificatePending, …
	RequestedAt  time.Time
	CommonName   string
	Organization string
	NotBefore    time.Time // the newest certificate's validity
	NotAfter     time.Time
	RevokedAt    time.Time // when the newest certificate was revoked
	ValidFrom    time.Time // the order's first issuance (its oldest certificate's not_before), else the plan's start
	PlanEndsAt   time.Time // the order's plan end (certificate_orders.plan_ends_at)
}

// Issued reports whether a certificate was issued for the order.
func (c CodeCertificate) Issued() bool { return !c.NotBefore.IsZero() }

// certJoin joins each Used code c to its counting certificate order co
// (an index range of certificate_orders_code per code: a code has few
// orders) and co's newest certificate crt (certificates_order, read
// backward). A code that is not Used joins nothing, without a look-up.
const certJoin = `
	LEFT JOIN LATERAL (SELECT co.id, co.status, co.requested_at, co.common_name, co.organization, co.decided_at, co.plan_ends_at
		FROM certificate_orders co WHERE co.voucher_code_id = c.id AND c.status = 'used'
		ORDER BY co.status IN ('pending', 'issued') DESC, co.id DESC LIMIT 1) co ON true
	LEFT JOIN LATERAL (SELECT crt.not_before, crt.not_after, crt.revoked_at
		FROM certificates crt WHERE crt.order_id = co.id ORDER BY crt.id DESC LIMIT 1) crt ON true `

// certColumns are the joined order's CodeCertificate (scanned by
// certRow.dest).
const certColumns = `coalesce(co.id, 0), coalesce(co.status, ''), co.requested_at, coalesce(co.common_name, ''), coalesce(co.organization, ''),
	crt.not_before, crt.not_after, crt.revoked_at, ` + certValidFrom + `, co.plan_ends_at`

// certValidFrom is the joined order's first issuance: the not_before of
// its oldest certificate (certificates_order, read forward), else the
// plan's start, its approval.
const certValidFrom = `coalesce((SELECT f.not_before FROM certificates f WHERE f.order_id = co.id ORDER BY f.id LIMIT 1),
		CASE WHEN co.plan_ends_at IS NOT NULL THEN co.decided_at END)`

// certRow scans certColumns.
type certRow struct {
	c                                                         CodeCertificate
	requested, notBefore, notAfter, revoked, validFrom, until pgtype.Timestamptz
}

func (r *certRow) dest() []any {
	return []any{&r.c.OrderID, &r.c.Status, &r.requested, &r.c.CommonName, &r.c.Organization,
		&r.notBefore, &r.notAfter, &r.revoked, &r.validFrom, &r.until}
}

// value is the scanned certificate, its missing times zero.
func (r *certRow) value() CodeCertificate {
	c := r.c
	c.RequestedAt, c.NotBefore, c.NotAfter = r.requested.Time, r.notBefore.Time, r.notAfter.Time
	c.RevokedAt, c.ValidFrom, c.PlanEndsAt = r.revoked.Time, r.validFrom.Time, r.until.Time
	return c
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
// joined to their lines, orders, products and certificate orders
// (certJoin). Total counts the matching codes up to UsedCountAhead past
// the page. The other sort columns have no index: PostgreSQL keeps the
// top offset+limit codes while it reads the partner's Used codes (a
// bounded heap, but every code is read). It returns ErrUsedSort for a
// column not in UsedSorts.
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
		       c.used_at, c.created_at, o.order_date, o.expires_on, `+certColumns+`
		FROM page JOIN voucher_codes c ON c.id = page.id
		JOIN voucher_order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no
		JOIN voucher_orders o ON o.id = c.order_id
		JOIN products p ON p.id = l.product_id`+certJoin+`
		ORDER BY `+order, args...)
	if err != nil {
		return p, err
	}
	p.Codes, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (UsedCode, error) {
		var c UsedCode
		var cert certRow
		err := r.Scan(append([]any{&c.ID, &c.Code, &c.OrderID, &c.ProductCode, &c.ProductJA, &c.ProductEN, &c.FQDNs, &c.Wildcards, &c.Years,
			&c.ShipToken, &c.UsedAt, &c.CreatedAt, &c.OrderDate, &c.ExpiresOn}, cert.dest()...)...)
		c.OrderDate, c.ExpiresOn = clock.SameDay(c.OrderDate), clock.SameDay(c.ExpiresOn)
		c.Certificate = cert.value()
		return c, err
	})
	return p, err
}
