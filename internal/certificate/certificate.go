// Package certificate owns certificate orders (C-1 … C-5): an end user's
// request made with a voucher code, or a partner's direct order charged to
// its balance; the validation queue where operator Validation approves or
// rejects; the certificates issued for an order by the portal's issuing CA
// (internal/ca), their download, reissue within a multi-year plan,
// cancellation with revocation, and the CRL. The voucher domain keeps
// owning every code transition: this package asks it to redeem and to
// reactivate a code inside its own transactions.
package certificate

import (
	"time"

	"github.com/ccp-partner/portal/internal/ca"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/voucher"
)

// Statuses of a certificate order.
const (
	Pending   = "pending"   // waiting for operator Validation
	Issued    = "issued"    // a certificate was issued
	Rejected  = "rejected"  // refused by Validation before issuance
	Cancelled = "cancelled" // cancelled by the end user or the partner
)

// ReactivationWindow is how long after issuance a cancellation still
// gives the voucher back (or credits a direct order) (C-4): 30 × 24 hours.
const ReactivationWindow = 30 * 24 * time.Hour

// Limits of the request form.
const (
	MaxOrgLen    = 200
	MaxReasonLen = 1000
)

// Refusals.
var (
	ErrNotFound        = fault.New(fault.NotFound, "certificate: no such order", "")
	ErrNotPending      = fault.New(fault.Conflict, "certificate: the order was already decided", "certificate.not_pending")
	ErrNotCancellable  = fault.New(fault.Conflict, "certificate: the order can no longer be cancelled", "certificate.not_cancellable")
	ErrNotReissuable   = fault.New(fault.Conflict, "certificate: the plan allows no reissue now", "certificate.not_reissuable")
	ErrProductNotNamed = fault.New(fault.Conflict, "certificate: the product takes no host names", "certificate.product_unsupported")
	ErrNoCertificate   = fault.New(fault.NotFound, "certificate: no such certificate", "")
	// ErrNeedsUser: a direct order is requested by a member of the
	// partner's staff (it is emailed to them), never by the system.
	ErrNeedsUser = fault.New(fault.Forbidden, "certificate: a direct order needs a requesting user", "")
)

// Service runs certificate orders.
type Service struct {
	DB       postgres.DB
	Clock    clock.Clock
	Vouchers *voucher.Service
	Catalog  *catalog.Store
	Ledger   *ledger.Store
	CA       *ca.Authority
	I18n     *i18n.Bundle
	BaseURL  string
}

// Order is a certificate order with its certificates, newest first.
type Order struct {
	ID              int64
	PartnerID       int64
	GroupID         int64
	SubscriberID    int64 // 0 for a direct order
	Subscriber      string
	VoucherCodeID   int64 // 0 for a direct order
	VoucherCode     string
	RequestedBy     int64  // partner staff of a direct order
	RequestedByName string // their username
	PartnerName     string
	Product         catalog.Product
	Years           int
	FQDNs           int // the allowance: the voucher's, or what a direct order bought
	Wildcards       int
	Price           money.Yen // a direct order's charge (0 with a voucher)
	TaxRate         int
	CommonName      string
	Names           []string // every name, the common name first
	CSRPEM          string
	KeyName         string
	Org             Organization
	Status          string
	RequestedAt     time.Time
	DecidedAt       *time.Time
	RejectReason    string
	PlanEndsAt      *time.Time
	CancelledAt     *time.Time
	Certificates    []Certificate
}

// Direct reports whether the order was made by partner staff without a voucher.
func (o Order) Direct() bool { return o.VoucherCodeID == 0 }

// Current is the newest certificate that is not revoked, or nil.
func (o Order) Current() *Certificate {
	for i := range o.Certificates {
		if o.Certificates[i].RevokedAt == nil {
			return &o.Certificates[i]
		}
	}
	return nil
}

// FirstIssuedAt is when the order's first certificate was issued (zero if none).
func (o Order) FirstIssuedAt() time.Time {
	if n := len(o.Certificates); n > 0 {
		return o.Certificates[n-1].IssuedAt
	}
	return time.Time{}
}

// CanCancel reports whether the order can be cancelled: pending, or issued
// (any time: after the window the certificate is revoked without the
// voucher coming back).
func (o Order) CanCancel() bool { return o.Status == Pending || o.Status == Issued }

// CanReissue reports whether the end user may reissue at now: the order is
// issued with a valid certificate and its plan runs at least another hour
// (a reissue ends with the plan, so that a multi-year voucher's later
// certificates cost nothing and never outlive what was bought).
func (o Order) CanReissue(now time.Time) bool {
	return o.Status == Issued && o.Current() != nil && o.PlanEndsAt != nil && now.Add(time.Hour).Before(*o.PlanEndsAt)
}

// Organization is the subject of an OV or EV certificate.
type Organization struct {
	Name, Locality, Province, Country string
}

// Certificate is one certificate issued for an order.
type Certificate struct {
	ID        int64
	Serial    string // lower-case hex
	DER       []byte // only when read for download
	NotBefore time.Time
	NotAfter  time.Time
	IssuedAt  time.Time
	RevokedAt *time.Time
}

// NeedsOrganization reports whether certificates of product p name the
// organization (OV and EV): the request asks for it.
func NeedsOrganization(p catalog.Product) bool { return p.Kind == "ov" || p.Kind == "ev" }

// Requestable returns ErrProductNotNamed for a product whose certificates
// are not requested here (it takes no host names: code signing, tokens),
// else nil.
func Requestable(p catalog.Product) error {
	if !p.TakesFQDNs {
		return ErrProductNotNamed
	}
	return nil
}
