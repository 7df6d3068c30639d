package certificate

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
)

// Request is a certificate request as typed: the CSR, the names (empty:
// the CSR's) and, for OV and EV products, the organization.
type Request struct {
	CSR        []byte
	CommonName string // empty: the CSR's, else the first name
	Names      string // one or more names, separated by lines, commas or spaces; empty: the CSR's SANs
	Org        Organization
}

// checked is a request that passed every check of its product and allowance.
type checked struct {
	csr   CSR
	names Names
	org   Organization
}

// check parses and checks r for a certificate of product with an
// allowance of fqdns and wildcards. Its refusals are valid.Errors on the
// form's fields: csr, names, org_name, org_locality, org_province,
// org_country.
func (r Request) check(p catalog.Product, fqdns, wildcards int) (checked, error) {
	if err := Requestable(p); err != nil {
		return checked{}, err
	}
	e := valid.Errors{}
	csr, err := ParseCSR("csr", r.CSR)
	if err != nil {
		return checked{}, e.Merge(asErrors(err))
	}
	cn, names := strings.TrimSpace(r.CommonName), SplitNames(r.Names)
	if len(names) == 0 {
		names = csr.DNSNames
	}
	if cn == "" {
		cn = csr.CommonName
	}
	n, err := CheckNames("names", cn, names, fqdns, wildcards)
	if err != nil {
		e = e.Merge(asErrors(err))
	}
	org := r.Org.check(e, NeedsOrganization(p))
	if err := e.Err(); err != nil {
		return checked{}, err
	}
	return checked{csr: csr, names: n, org: org}, nil
}

// asErrors is err as valid.Errors (the checks' refusals are).
func asErrors(err error) valid.Errors {
	var e valid.Errors
	if errors.As(err, &e) {
		return e
	}
	return valid.Errors{"csr": {ID: "csr.unreadable"}}
}

// check adds o's problems to e and returns it trimmed; a product without
// an organization drops what was typed.
func (o Organization) check(e valid.Errors, required bool) Organization {
	if !required {
		return Organization{}
	}
	o = Organization{Name: strings.TrimSpace(o.Name), Locality: strings.TrimSpace(o.Locality),
		Province: strings.TrimSpace(o.Province), Country: strings.ToUpper(strings.TrimSpace(o.Country))}
	e.Text("org_name", o.Name, MaxOrgLen)
	e.Text("org_locality", o.Locality, MaxOrgLen)
	e.MaxLen("org_province", o.Province, MaxOrgLen)
	if !slices.Contains(account.Countries, o.Country) {
		e.Add("org_country", "form.choose")
	}
	return o
}

// Redeem makes sub's certificate order with the voucher code of the link
// (C-1, C-2): it checks the request against the code's product and
// allowance, then in one transaction marks the code Used (the voucher
// domain locks it: of two redemptions of one code the second gets
// voucher.ErrRedeemUsed) and writes the order, pending validation, with
// its audit entry in the partner's log. A refusal writes nothing.
func (s *Service) Redeem(ctx context.Context, sub subscriber.Subscriber, code, product string, r Request, ip netip.Addr) (int64, error) {
	c, err := s.Vouchers.CheckRedemption(ctx, code, product)
	if err != nil {
		return 0, err
	}
	req, err := r.check(c.Product, c.FQDNs, c.Wildcards)
	if err != nil {
		return 0, err
	}
	var id int64
	err = postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		// The partner's row before the code's: a voucher order's
		// cancellation locks them in that order, and a redemption that
		// took the code first would deadlock with it (the order's foreign
		// key wants the partner's row too).
		if _, err := q.Exec(ctx, `SELECT 1 FROM partners WHERE id = $1 FOR KEY SHARE`, c.PartnerID); err != nil {
			return err
		}
		now := s.Clock.Now()
		c, err := s.Vouchers.Redeem(ctx, q, code, product, now)
		if err != nil {
			return err
		}
		o := newOrder{partnerID: c.PartnerID, groupID: c.GroupID, subscriberID: sub.ID, codeID: c.ID,
			productID: c.Product.ID, years: c.Years, fqdns: c.FQDNs, wildcards: c.Wildcards, req: req}
		if id, err = o.insert(ctx, q, now); err != nil {
			return err
		}
		// The code's redemption is the entry (and the webhook event
		// voucher_code.redeemed); the order is in its details.
		e := sub.Entry(ip).In(c.PartnerID).Of(now, audit.VoucherCodeRedeemed, "voucher_code", c.ID)
		e.Details = map[string]any{"certificate_order_id": id, "voucher_order_id": c.OrderID, "code": voucher.Mask(c.Code),
			"common_name": req.names.CommonName, "names": req.names.SANs, "subscriber_id": sub.ID}
		return audit.Record(ctx, q, e)
	})
	return id, err
}

// newOrder is a certificate order about to be written.
type newOrder struct {
	partnerID, groupID, subscriberID, codeID, requestedBy, productID int64
	years, fqdns, wildcards, taxRate                                 int
	price                                                            int64
	req                                                              checked
	key                                                              string // a direct order's form key
}

func (o newOrder) insert(ctx context.Context, q postgres.Querier, now time.Time) (int64, error) {
	var id int64
	r := o.req
	err := q.QueryRow(ctx, `
		INSERT INTO certificate_orders (partner_id, group_id, subscriber_id, voucher_code_id, requested_by, product_id,
		       years, fqdns, wildcards, price, tax_rate, common_name, names, csr_pem, key_name,
		       organization, locality, province, country, requested_at, idempotency_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, nullif($21, '')) RETURNING id`,
		o.partnerID, postgres.NullID(o.groupID), postgres.NullID(o.subscriberID), postgres.NullID(o.codeID),
		postgres.NullID(o.requestedBy), o.productID, o.years, o.fqdns, o.wildcards, o.price, o.taxRate,
		r.names.CommonName, r.names.SANs, r.csr.PEM, r.csr.KeyName,
		r.org.Name, r.org.Locality, r.org.Province, r.org.Country, now, o.key).Scan(&id)
	return id, err
}
