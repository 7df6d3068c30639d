package voucher

import (
	"fmt"
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/valid"
)

// Limits of an order form.
const (
	MaxLines       = 20
	MaxCustomerLen = 200
	MaxMemoLen     = 1000
)

// LineInput is one line of the order form.
type LineInput struct {
	ProductID int64
	Years     int
	FQDNs     int
	Wildcards int
	Quantity  int
	ShipToken bool
}

// Input is a new voucher order as typed.
type Input struct {
	GroupID        int64
	Customer       string
	Memo           string
	Lines          []LineInput
	IdempotencyKey string // carried by the form: a double submit makes one order
}

// Refusal is an order refused as a whole, with the message the user sees.
type Refusal struct {
	MessageID string
	Data      map[string]any
}

func (r *Refusal) Error() string { return "voucher: order refused: " + r.MessageID }

// Refusals of an order as a whole.
var (
	ErrNoContract         = &Refusal{MessageID: "voucher.no_contract"}
	ErrBillingIncomplete  = &Refusal{MessageID: "voucher.billing_incomplete"}
	ErrPaymentNotBalance  = &Refusal{MessageID: "voucher.payment_not_balance"}
	ErrNotCancellable     = fault.New(fault.Conflict, "voucher: the order can no longer be cancelled", "voucher.not_cancellable")
	ErrNotReissuable      = fault.New(fault.Conflict, "voucher: only an Active code can be reissued", "voucher.not_reissuable")
	ErrCodeNotFound       = fault.New(fault.NotFound, "voucher: no such code", "")
	ErrOrderNotFound      = fault.New(fault.NotFound, "voucher: no such order", "")
	ErrCodeNotUsable      = fault.New(fault.Conflict, "voucher: the code is not Active", "")
	ErrCodeNotReactivable = fault.New(fault.Conflict, "voucher: only a Used code can be reactivated", "")
)

// LinePath is the path of line i's value name in valid.Errors, e.g.
// "lines[2].quantity" (name: product, quantity, fqdns, wildcards,
// ship_token); each user interface maps it to its own field.
func LinePath(i int, name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }

// LineField is the order form's name of a line's field, e.g. "line2_quantity".
//
// Deprecated: the form's field names belong to web/voucher; this remains
// for the tests that post the form, until they use the web's names.
func LineField(i int, name string) string { return fmt.Sprintf("line%d_%s", i, name) }

// Validate checks the form's shape (without the contract).
func (in *Input) Validate() valid.Errors {
	in.Customer, in.Memo = strings.TrimSpace(in.Customer), strings.TrimSpace(in.Memo)
	e := valid.Errors{}
	e.MaxLen("customer", in.Customer, MaxCustomerLen)
	e.MaxLen("memo", in.Memo, MaxMemoLen)
	if len(in.Lines) == 0 || len(in.Lines) > MaxLines {
		e.Add("lines", "voucher.lines_count", map[string]any{"Max": MaxLines})
	}
	for i, l := range in.Lines {
		e.Range(LinePath(i, "quantity"), int64(l.Quantity), 1, contract.MaxQuantity)
		e.Range(LinePath(i, "fqdns"), int64(l.FQDNs), 0, contract.MaxNames)
		e.Range(LinePath(i, "wildcards"), int64(l.Wildcards), 0, contract.MaxNames)
		if l.ProductID == 0 || l.Years == 0 {
			e.Add(LinePath(i, "product"), "form.choose")
		}
	}
	if in.IdempotencyKey == "" || len(in.IdempotencyKey) > 100 {
		e.Add("lines", "voucher.reload_form")
	}
	return e
}

// Order is a voucher order as listed.
type Order struct {
	ID          int64
	PartnerID   int64
	GroupID     int64
	GroupName   string
	CreatedAt   time.Time
	OrderDate   time.Time
	ExpiresOn   time.Time
	Customer    string
	Memo        string
	Total       money.Yen
	TaxRate     int
	Status      string
	CancelledAt *time.Time
	CreatedBy   string
	OnBehalf    bool
	Codes       int // current codes (reissued-away ones excluded)
	// CodeStates are the distinct states among its codes that forbid a
	// cancel (Used, Cancelled), not every code's state: all the cancel rule
	// needs, read from a small index whatever the order's size. Empty when
	// every code is Active (or reissued away).
	CodeStates []string
}

// TotalWithTax is the total with consumption tax, rounded down (for the CSV;
// the invoice taxes the month's net once).
func (o Order) TotalWithTax() money.Yen { return money.WithTax(o.Total, o.TaxRate) }

// HasVouchers reports whether the order's codes have vouchers to hand out
// (the PDF of every code): not once the order is cancelled.
func (o Order) HasVouchers() bool { return o.Status != OrderCancelled }

// CanCancel reports whether the order may be cancelled at now.
func (o Order) CanCancel(now time.Time) bool {
	return Cancellable(o.Status, o.CreatedAt, now, o.CodeStates)
}

// Line is one line of an order.
type Line struct {
	No        int
	Product   catalog.Product
	Years     int
	FQDNs     int
	Wildcards int
	Quantity  int
	ShipToken bool
	UnitPrice money.Yen
	Amount    money.Yen
}

// Code is one voucher code with what it is for.
type Code struct {
	ID        int64
	OrderID   int64
	LineNo    int
	Code      string
	Status    string // as stored
	UsedAt    *time.Time
	CreatedAt time.Time
	Product   catalog.Product
	Years     int
	FQDNs     int
	Wildcards int
	ShipToken bool
	ExpiresOn time.Time
	// ReissuedFrom is the code this one replaced (V-7), in full: the old
	// code no longer works, and the partner may need it to match the new
	// code with what they delivered. Empty for a code that was ordered.
	ReissuedFrom string
	PartnerID    int64 // the partner that bought the code
	GroupID      int64 // the management group of its order
}

// Shown is the code's status as users see it at now.
func (c Code) Shown(now time.Time) string { return DisplayStatus(c.Status, c.ExpiresOn, now) }

// HasVoucher reports whether the code has a voucher to hand out (its PDF):
// not once it is Cancelled or reissued away, since it no longer works.
func (c Code) HasVoucher() bool { return c.Status != CodeCancelled && c.Status != CodeReissued }
