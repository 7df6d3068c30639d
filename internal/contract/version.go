package contract

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// PaymentTerms are the terms a contract may have (M-7).
var PaymentTerms = []string{"NET45", "NET50", "NET60", "NET30EOM", "NET60EOM", "NET90EOM"}

// Limits on contract figures.
const (
	MaxCreditLimit money.Yen = 10_000_000_000
	MaxPrice       money.Yen = 1_000_000_000
	DefaultTaxRate           = 10
	MaxTaxRate               = 100 // percent
)

// ErrNoContract means the partner has no contract in force on the day asked.
var ErrNoContract = fault.New(fault.Conflict, "contract: no contract in force", "")

// ErrNotFound means no such version for this partner.
var ErrNotFound = fault.New(fault.NotFound, "contract: version not found", "")

// Terms are a version's commercial terms.
type Terms struct {
	StartDate    time.Time // first day of the contract period (Japan date)
	EndDate      time.Time // last day
	PaymentTerms string
	CreditLimit  money.Yen
	TaxRate      int // percent
	Note         string
}

// Entry is one price-table cell: a product for a number of years.
type Entry struct {
	ProductID  int64
	Years      int
	ListPrice  money.Yen
	DiscountBP int // basis points: 3000 = 30%
	Prices
}

// Version is the contract as it stands from EffectiveFrom.
type Version struct {
	ID            int64
	PartnerID     int64
	EffectiveFrom time.Time
	Terms
	CreatedAt time.Time
	CreatedBy string
	Entries   []Entry
}

// ActiveOn reports whether day lies in the contract period.
func (v Version) ActiveOn(day time.Time) bool {
	d := clock.Date(day)
	return !d.Before(v.StartDate) && !d.After(v.EndDate)
}

// Entry returns the price entry for product and years, if the version has one.
func (v Version) Entry(productID int64, years int) (Entry, bool) {
	for _, e := range v.Entries {
		if e.ProductID == productID && e.Years == years {
			return e, true
		}
	}
	return Entry{}, false
}

// NewVersion is a change to a partner's contract.
type NewVersion struct {
	EffectiveFrom time.Time
	Terms
	Entries []Entry
}

// Validate checks v against the catalogue and today (Japan date); a version
// may not take effect before today, so that history is never rewritten.
func (v NewVersion) Validate(products map[int64]catalog.Product, today time.Time) valid.Errors {
	e := valid.Errors{}
	if v.EffectiveFrom.Before(clock.Date(today)) {
		e.Add("effective_from", "contract.effective_past")
	}
	if v.EndDate.Before(v.StartDate) {
		e.Add("end_date", "contract.end_before_start")
	}
	if !slices.Contains(PaymentTerms, v.PaymentTerms) {
		e.Add("payment_terms", "form.choose")
	}
	e.Range("credit_limit", int64(v.CreditLimit), 0, int64(MaxCreditLimit))
	e.Range("tax_rate", int64(v.TaxRate), 0, MaxTaxRate)
	e.MaxLen("note", v.Note, 1000)
	seen := map[[2]int64]bool{}
	for i, en := range v.Entries {
		validateEntry(e, i, en, products, seen)
	}
	return e
}

// EntryPath is the path of entry i of a version's Entries in valid.Errors:
// "entries[3]" for the entry as a whole (its product and years), with a
// member for one of its values ("entries[3].base_price"; members:
// list_price, discount, base_price, fqdn_price, wildcard_price). Each user
// interface maps it to its own field.
func EntryPath(i int, member string) string {
	if member == "" {
		return fmt.Sprintf("entries[%d]", i)
	}
	return fmt.Sprintf("entries[%d].%s", i, member)
}

// EntryField is the contract form's name of an entry's field, e.g. "p12_y3_base".
//
// Deprecated: the form's field names belong to web/operator; this remains
// for the tests that post the form, until they use the web's names.
func EntryField(productID int64, years int, name string) string {
	return fmt.Sprintf("p%d_y%d_%s", productID, years, name)
}

func validateEntry(e valid.Errors, i int, en Entry, products map[int64]catalog.Product, seen map[[2]int64]bool) {
	p, ok := products[en.ProductID]
	switch {
	case !ok || !p.Active:
		e.Add(EntryPath(i, ""), "contract.unknown_product")
	case en.Years < MinYears || en.Years > p.MaxYears:
		e.Add(EntryPath(i, ""), "contract.years_not_offered", map[string]any{"Max": p.MaxYears})
	case seen[[2]int64{en.ProductID, int64(en.Years)}]:
		e.Add(EntryPath(i, ""), "contract.duplicate_entry")
	}
	seen[[2]int64{en.ProductID, int64(en.Years)}] = true
	for member, y := range map[string]money.Yen{"list_price": en.ListPrice, "base_price": en.Base, "fqdn_price": en.AdditionalFQDN, "wildcard_price": en.Wildcard} {
		e.Range(EntryPath(i, member), int64(y), 0, int64(MaxPrice))
	}
	if en.DiscountBP < 0 || en.DiscountBP > 10000 {
		e.Add(EntryPath(i, "discount"), "contract.discount_range")
	}
}

// Store reads and appends contract versions.
type Store struct {
	DB      postgres.DB
	Clock   clock.Clock
	Catalog *catalog.Store
}

// DefaultTerms are a new contract's terms: one year from today, NET30EOM,
// the standard tax rate, no credit limit.
func DefaultTerms(today time.Time) Terms {
	return Terms{StartDate: today, EndDate: today.AddDate(1, 0, -1), PaymentTerms: "NET30EOM", TaxRate: DefaultTaxRate}
}

// Draft is the starting point of partnerID's next version: the version in
// force today of source (partnerID itself, or another partner whose price
// table is copied), else the default terms. Copying another partner's
// prices keeps partnerID's own terms when it has a contract.
func (s *Store) Draft(ctx context.Context, partnerID, source int64, today time.Time) (Version, error) {
	v, err := s.InForce(ctx, source, today)
	if errors.Is(err, ErrNoContract) {
		v, err = Version{Terms: DefaultTerms(today)}, nil
	}
	if err != nil || source == partnerID {
		return v, err
	}
	own, err := s.InForce(ctx, partnerID, today)
	if errors.Is(err, ErrNoContract) {
		return v, nil
	}
	v.Terms = own.Terms
	return v, err
}

// With returns the store bound to q (the caller's transaction), with every
// store it holds bound too.
func (s *Store) With(q postgres.Querier) *Store {
	return postgres.Rebind(s, q)
}

// Create appends a version for partnerID and audits it with actor. It
// returns the actor's refusal (auth.ReviewPartners), or valid.Errors for
// refused input, and writes nothing then.
func (s *Store) Create(ctx context.Context, partnerID int64, v NewVersion, actor auth.Actor) (int64, error) {
	if err := actor.RequirePartner(auth.ReviewPartners, partnerID); err != nil {
		return 0, err
	}
	products, err := s.productMap(ctx)
	if err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	if e := v.Validate(products, now); len(e) > 0 {
		return 0, e
	}
	var id int64
	err = postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var err error
		if id, err = Insert(ctx, q, partnerID, v, actor.UserID(), now); err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(now, audit.ContractVersionCreated, "contract_version", id)
		e.Details = map[string]any{"effective_from": v.EffectiveFrom.Format(time.DateOnly), "start": v.StartDate.Format(time.DateOnly),
			"end": v.EndDate.Format(time.DateOnly), "payment_terms": v.PaymentTerms, "credit_limit": v.CreditLimit,
			"tax_rate": v.TaxRate, "entries": len(v.Entries)}
		return audit.Record(ctx, q, e)
	})
	return id, err
}

// Check returns what Create would refuse in v (for a form that has other
// problems too, so that every field gets its message at once).
func (s *Store) Check(ctx context.Context, v NewVersion) (valid.Errors, error) {
	products, err := s.productMap(ctx)
	if err != nil {
		return nil, err
	}
	return v.Validate(products, s.Clock.Now()), nil
}

// Insert writes a version and its entries without checks (demo data and Create).
func Insert(ctx context.Context, q postgres.Querier, partnerID int64, v NewVersion, by int64, now time.Time) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `
		INSERT INTO contract_versions (partner_id, effective_from, start_date, end_date, payment_terms, credit_limit, tax_rate, created_at, created_by, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		partnerID, v.EffectiveFrom, v.StartDate, v.EndDate, v.PaymentTerms, v.CreditLimit, v.TaxRate, now, by, v.Note).Scan(&id)
	if err != nil {
		return 0, err
	}
	rows := make([][]any, len(v.Entries))
	for i, e := range v.Entries {
		rows[i] = []any{id, e.ProductID, e.Years, e.ListPrice, e.DiscountBP, e.Base, e.AdditionalFQDN, e.Wildcard}
	}
	_, err = q.CopyFrom(ctx, pgx.Identifier{"price_entries"},
		[]string{"version_id", "product_id", "years", "list_price", "discount_bp", "base_price", "additional_fqdn", "wildcard"},
		pgx.CopyFromRows(rows))
	return id, err
}

func (s *Store) productMap(ctx context.Context) (map[int64]catalog.Product, error) {
	list, err := s.Catalog.List(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]catalog.Product, len(list))
	for _, p := range list {
		m[p.ID] = p
	}
	return m, nil
}
