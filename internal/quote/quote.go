// Package quote owns the partner's quotes (Q-1 … Q-4): a quote of products
// or of account credit, priced from the contract in force by the voucher
// order's rule and frozen when it is saved, numbered without gaps, valid
// for 30 days; its PDF, its sending by email, its deletion, and the refusal
// of purchase orders under the OnGoing contract.
package quote

import (
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
)

// Kind is what a quote is for.
type Kind string

// The kinds of quote (見積りタイプ).
const (
	KindProduct Kind = "product" // 製品: lines of products, priced from the contract
	KindCredit  Kind = "credit"  // アカウントクレジット: an amount of account credit
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindProduct, KindCredit}

// Statuses. Saved and Ordered are stored; Expired is derived from the
// expiry date and the clock.
const (
	StatusSaved   = "saved"
	StatusOrdered = "ordered"
	StatusExpired = "expired"
)

// Limits of a quote.
const (
	ValidDays     = 30 // a quote is valid through its saved date + 30 days (Japan time)
	MaxLines      = voucher.MaxLines
	MaxMemoLen    = 1000
	MaxRecipients = 10
	MaxCredit     = contract.MaxCreditLimit
	// MaxSendsPerHour caps the quotes sent from one address in an hour:
	// sending emails an address the user types.
	MaxSendsPerHour = 30
)

// Refusals.
var (
	ErrNotFound         = fault.New(fault.NotFound, "quote: no such quote", "")
	ErrNoContract       = fault.New(fault.Conflict, "quote: no contract in force", "quote.no_contract")
	ErrOrdered          = fault.New(fault.Conflict, "quote: an ordered quote cannot be deleted", "quote.ordered")
	ErrNotOrderable     = fault.New(fault.Conflict, "quote: only a saved, unexpired product quote can be ordered", "quote.not_orderable")
	ErrNoPurchaseOrders = fault.New(fault.Conflict, "quote: purchase orders are not used under the OnGoing contract", "quote.no_purchase_orders")
	ErrIssuerNotSet     = fault.New(fault.Conflict, "quote: the operator's details are not set", "quote.issuer_not_set")
	ErrTooManySends     = fault.New(fault.TooMany, "quote: too many quotes sent from this address", "quote.too_many_sends")
)

// Input is a new quote as typed.
type Input struct {
	GroupID        int64
	Memo           string // internal: never printed
	Kind           Kind
	Lines          []voucher.LineInput // KindProduct
	Credit         money.Yen           // KindCredit, tax exclusive
	IdempotencyKey string              // carried by the form: a double submit saves one quote
}

// Validate checks the input's shape (without the contract). Line problems
// are keyed by voucher.LinePath, as the pricing rule keys its own.
func (in *Input) Validate() valid.Errors {
	in.Memo = strings.TrimSpace(in.Memo)
	e := valid.Errors{}
	e.MaxLen("memo", in.Memo, MaxMemoLen)
	if in.GroupID == 0 {
		e.Add("group_id", "form.choose")
	}
	switch in.Kind {
	case KindProduct:
		validateLines(e, in.Lines)
	case KindCredit:
		e.Range("credit", int64(in.Credit), 1, int64(MaxCredit))
	default:
		e.Add("kind", "form.choose")
	}
	if in.IdempotencyKey == "" || len(in.IdempotencyKey) > 100 {
		e.Add("key", "quote.reload_form")
	}
	return e
}

func validateLines(e valid.Errors, lines []voucher.LineInput) {
	if len(lines) == 0 || len(lines) > MaxLines {
		e.Add("lines", "quote.lines_count", map[string]any{"Max": MaxLines})
	}
	for i, l := range lines {
		e.Range(voucher.LinePath(i, "quantity"), int64(l.Quantity), contract.MinQuantity, contract.MaxQuantity)
		e.Range(voucher.LinePath(i, "fqdns"), int64(l.FQDNs), 0, contract.MaxNames)
		e.Range(voucher.LinePath(i, "wildcards"), int64(l.Wildcards), 0, contract.MaxNames)
		if l.ProductID == 0 || l.Years == 0 {
			e.Add(voucher.LinePath(i, "product"), "form.choose")
		}
	}
}

// Quote is a saved quote. Its amounts are those of its contract version
// when it was saved: a later price change does not alter them.
type Quote struct {
	ID                int64
	Number            string // Q0000001
	PartnerID         int64
	GroupID           int64
	GroupName         string
	ContractVersionID int64
	Kind              Kind
	Memo              string
	Subtotal          money.Yen // tax exclusive
	TaxRate           int       // percent
	Tax               money.Yen // on the subtotal, rounded down once
	Total             money.Yen
	SavedAt           time.Time
	SavedOn           time.Time // Japan date
	ExpiresOn         time.Time // Japan date: SavedOn + 30 days
	Status            string    // as stored: saved or ordered
	VoucherOrderID    int64     // set when Ordered
	CreatedBy         string
	OnBehalf          bool
	Lines             []Line // a product quote's lines (read by Get)
}

// Line is one product line of a quote, at its frozen unit price.
type Line struct {
	No        int
	ProductID int64
	NameJA    string
	NameEN    string
	Years     int
	FQDNs     int
	Wildcards int
	Quantity  int
	ShipToken bool
	UnitPrice money.Yen
	Amount    money.Yen
}

// Name is the product's name in lang as it was when the quote was saved.
func (l Line) Name(lang string) string {
	if lang == "ja" {
		return l.NameJA
	}
	return l.NameEN
}

// ExpiresOn is the last day a quote saved at savedAt is valid: its saved
// date (Japan time) plus 30 days (saved 7 Dec 2020, valid through 6 Jan 2021).
func ExpiresOn(savedAt time.Time) time.Time {
	return clock.Date(savedAt).AddDate(0, 0, ValidDays)
}

// Expired reports whether a quote valid through expiresOn (a calendar
// date) has expired at now: from the next day, Japan time.
func Expired(expiresOn, now time.Time) bool {
	return clock.Date(now).After(clock.SameDay(expiresOn))
}

// StatusAt is the quote's status as users see it at now: a Saved quote is
// Expired from the day after its expiry date.
func (q Quote) StatusAt(now time.Time) string {
	if q.Status == StatusSaved && Expired(q.ExpiresOn, now) {
		return StatusExpired
	}
	return q.Status
}

// Deletable reports whether the quote may be deleted: not once ordered.
func (q Quote) Deletable() bool { return q.Status != StatusOrdered }

// Orderable reports whether the quote's vouchers may be ordered at now: a
// product quote, Saved and not Expired.
func (q Quote) Orderable(now time.Time) bool {
	return q.Kind == KindProduct && q.StatusAt(now) == StatusSaved
}

// LineInputs are the quote's lines as a voucher order's lines: what
// ordering the quote's vouchers will place.
func (q Quote) LineInputs() []voucher.LineInput {
	out := make([]voucher.LineInput, len(q.Lines))
	for i, l := range q.Lines {
		out[i] = voucher.LineInput{ProductID: l.ProductID, Years: l.Years, FQDNs: l.FQDNs, Wildcards: l.Wildcards,
			Quantity: l.Quantity, ShipToken: l.ShipToken}
	}
	return out
}
