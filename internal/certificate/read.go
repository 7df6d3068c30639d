package certificate

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/subscriber"
)

// orderColumns and orderFrom read an Order (without its certificates).
const orderColumns = `o.id, o.partner_id, coalesce(o.group_id, 0), coalesce(o.subscriber_id, 0), coalesce(s.email, ''),
	coalesce(o.voucher_code_id, 0), coalesce(vc.code, ''), coalesce(o.requested_by, 0),
	p.id, p.code, p.name_ja, p.name_en, p.kind, p.takes_fqdns, p.takes_wildcards, p.ships_token, p.max_years, p.active,
	o.years, o.fqdns, o.wildcards, o.price, o.tax_rate, o.common_name, o.names, o.csr_pem, o.key_name,
	o.organization, o.locality, o.province, o.country, o.status, o.requested_at, o.decided_at, o.reject_reason,
	o.plan_ends_at, o.cancelled_at, pa.name, coalesce(u.username, '')`

const orderFrom = ` FROM certificate_orders o
	JOIN products p ON p.id = o.product_id
	LEFT JOIN subscribers s ON s.id = o.subscriber_id
	LEFT JOIN voucher_codes vc ON vc.id = o.voucher_code_id
	JOIN partners pa ON pa.id = o.partner_id
	LEFT JOIN users u ON u.id = o.requested_by `

func scanOrder(r pgx.CollectableRow) (Order, error) {
	var o Order
	p := &o.Product
	err := r.Scan(&o.ID, &o.PartnerID, &o.GroupID, &o.SubscriberID, &o.Subscriber, &o.VoucherCodeID, &o.VoucherCode, &o.RequestedBy,
		&p.ID, &p.Code, &p.NameJA, &p.NameEN, &p.Kind, &p.TakesFQDNs, &p.TakesWildcards, &p.ShipsToken, &p.MaxYears, &p.Active,
		&o.Years, &o.FQDNs, &o.Wildcards, &o.Price, &o.TaxRate, &o.CommonName, &o.Names, &o.CSRPEM, &o.KeyName,
		&o.Org.Name, &o.Org.Locality, &o.Org.Province, &o.Org.Country, &o.Status, &o.RequestedAt, &o.DecidedAt, &o.RejectReason,
		&o.PlanEndsAt, &o.CancelledAt, &o.PartnerName, &o.RequestedByName)
	return o, err
}

// oneOrder reads the order matched by where with its certificates, or ErrNotFound.
func oneOrder(ctx context.Context, q postgres.Querier, where string, args ...any) (Order, error) {
	rows, err := q.Query(ctx, `SELECT `+orderColumns+orderFrom+` WHERE `+where, args...)
	if err != nil {
		return Order{}, err
	}
	o, err := pgx.CollectExactlyOneRow(rows, scanOrder)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, ErrNotFound
	}
	if err != nil {
		return o, err
	}
	o.Certificates, err = certificatesOf(ctx, q, o.ID)
	return o, err
}

// lockOrder is oneOrder with the order's row locked for the transaction.
func lockOrder(ctx context.Context, q postgres.Querier, where string, args ...any) (Order, error) {
	return oneOrder(ctx, q, where+` FOR UPDATE OF o`, args...)
}

// certificatesOf lists an order's certificates, newest first (without DER).
func certificatesOf(ctx context.Context, q postgres.Querier, orderID int64) ([]Certificate, error) {
	rows, err := q.Query(ctx, `SELECT id, serial, not_before, not_after, issued_at, revoked_at
		FROM certificates WHERE order_id = $1 ORDER BY id DESC`, orderID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Certificate, error) {
		var c Certificate
		return c, r.Scan(&c.ID, &c.Serial, &c.NotBefore, &c.NotAfter, &c.IssuedAt, &c.RevokedAt)
	})
}

// Page is one page of orders, newest first, and the keyset of the next.
type Page struct {
	Orders []Order
	Next   int64 // the id to pass as before for the next page (0: none)
}

// PageSize is how many orders a page lists.
const PageSize = 50

// listOrders reads one page of the orders matched by where, newest first,
// from before (0: the newest).
func listOrders(ctx context.Context, q postgres.Querier, before int64, where string, args ...any) (Page, error) {
	if before > 0 {
		args = append(args, before)
		where += ` AND o.id < $` + strconv.Itoa(len(args))
	}
	return pageOf(ctx, q, where+` ORDER BY o.id DESC`, args...)
}

// pageOf reads up to PageSize orders matched by where (with its ORDER BY)
// and whether more follow: Next is the last one's id then.
func pageOf(ctx context.Context, q postgres.Querier, where string, args ...any) (Page, error) {
	rows, err := q.Query(ctx, `SELECT `+orderColumns+orderFrom+` WHERE `+where+` LIMIT `+strconv.Itoa(PageSize+1), args...)
	if err != nil {
		return Page{}, err
	}
	orders, err := pgx.CollectRows(rows, scanOrder)
	if err != nil {
		return Page{}, err
	}
	var p Page
	if len(orders) > PageSize {
		orders = orders[:PageSize]
		p.Next = orders[PageSize-1].ID
	}
	p.Orders = orders
	return p, nil
}

// SubscriberOrders is one page of sub's orders.
func (s *Service) SubscriberOrders(ctx context.Context, sub subscriber.Subscriber, before int64) (Page, error) {
	return listOrders(ctx, s.DB, before, `o.subscriber_id = $1`, sub.ID)
}

// SubscriberOrder is sub's order id; another end user's is ErrNotFound.
func (s *Service) SubscriberOrder(ctx context.Context, sub subscriber.Subscriber, id int64) (Order, error) {
	return oneOrder(ctx, s.DB, `o.id = $1 AND o.subscriber_id = $2`, id, sub.ID)
}

// PartnerOrders is one page of partnerID's certificate orders: redeemed
// from its codes, and direct.
func (s *Service) PartnerOrders(ctx context.Context, partnerID int64, before int64, actor auth.Actor) (Page, error) {
	if err := actor.RequirePartner(auth.OrderCertificates, partnerID); err != nil {
		return Page{}, err
	}
	return listOrders(ctx, s.DB, before, `o.partner_id = $1`, partnerID)
}

// PartnerOrder is partnerID's order id.
func (s *Service) PartnerOrder(ctx context.Context, partnerID, id int64, actor auth.Actor) (Order, error) {
	if err := actor.RequirePartner(auth.OrderCertificates, partnerID); err != nil {
		return Order{}, err
	}
	return oneOrder(ctx, s.DB, `o.id = $1 AND o.partner_id = $2`, id, partnerID)
}

// Queue is one page of the orders waiting for validation, oldest first
// (the queue is worked from the front): after is the last id of the
// previous page.
func (s *Service) Queue(ctx context.Context, after int64, actor auth.Actor) (Page, error) {
	if err := actor.Require(auth.ValidateCertificates); err != nil {
		return Page{}, err
	}
	return pageOf(ctx, s.DB, `o.status = 'pending' AND o.id > $1 ORDER BY o.id`, after)
}

// ForValidation is order id as operator Validation sees it.
func (s *Service) ForValidation(ctx context.Context, id int64, actor auth.Actor) (Order, error) {
	if err := actor.Require(auth.ValidateCertificates); err != nil {
		return Order{}, err
	}
	return oneOrder(ctx, s.DB, `o.id = $1`, id)
}

// SubscriberCertificate returns certificate certID of sub's order orderID
// with its DER; any other is ErrNoCertificate.
func (s *Service) SubscriberCertificate(ctx context.Context, sub subscriber.Subscriber, orderID, certID int64) (Certificate, error) {
	return s.certificate(ctx, `o.subscriber_id = $3`, certID, orderID, sub.ID)
}

// PartnerCertificate returns certificate certID of partnerID's order
// orderID with its DER (the orders redeemed from its codes and its direct
// orders); any other is ErrNoCertificate.
func (s *Service) PartnerCertificate(ctx context.Context, partnerID, orderID, certID int64, actor auth.Actor) (Certificate, error) {
	if err := actor.RequirePartner(auth.OrderCertificates, partnerID); err != nil {
		return Certificate{}, err
	}
	return s.certificate(ctx, `o.partner_id = $3`, certID, orderID, partnerID)
}

// certificate reads certificate certID of order orderID, whose order also
// matches owner ($3), with its DER.
func (s *Service) certificate(ctx context.Context, owner string, certID, orderID, ownerID int64) (Certificate, error) {
	var c Certificate
	err := s.DB.QueryRow(ctx, `SELECT c.id, c.serial, c.der, c.not_before, c.not_after, c.issued_at, c.revoked_at
		FROM certificates c JOIN certificate_orders o ON o.id = c.order_id
		WHERE c.id = $1 AND c.order_id = $2 AND `+owner, certID, orderID, ownerID).
		Scan(&c.ID, &c.Serial, &c.DER, &c.NotBefore, &c.NotAfter, &c.IssuedAt, &c.RevokedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrNoCertificate
	}
	return c, err
}

// ChainPEM is the certificate followed by the issuing intermediate, PEM
// encoded: what a web server is configured with.
func (s *Service) ChainPEM(c Certificate) []byte { return s.CA.ChainPEM(c.DER) }

// Latest is sub's newest issued order of productID: what a renewal
// pre-fills (ErrNotFound when there is none).
func (s *Service) Latest(ctx context.Context, sub subscriber.Subscriber, productID int64) (Order, error) {
	return oneOrder(ctx, s.DB, `o.id = (SELECT max(id) FROM certificate_orders
		WHERE subscriber_id = $1 AND product_id = $2 AND status IN ('issued', 'cancelled') AND decided_at IS NOT NULL)`, sub.ID, productID)
}
