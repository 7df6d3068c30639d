// Package catalog owns the operator's product catalogue: stable product
// codes, Japanese and English names, the kind of certificate, which names a
// product takes, whether it ships a hardware token and its longest validity.
package catalog

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Kinds of product, in display order.
var Kinds = []string{"dv", "ov", "ev", "code_signing", "ev_code_signing", "hardware_token"}

// MaxYears is the longest validity a product can be sold for.
const MaxYears = 6

// ErrNotFound means there is no such product.
var ErrNotFound = fault.New(fault.NotFound, "catalog: product not found", "")

// Product is one sellable product.
type Product struct {
	ID             int64
	Code           string
	NameJA         string
	NameEN         string
	Kind           string
	TakesFQDNs     bool
	TakesWildcards bool
	ShipsToken     bool
	MaxYears       int
	Active         bool
}

// Name returns the product's name in lang ("ja" or anything else for English).
func (p Product) Name(lang string) string {
	if lang == "ja" {
		return p.NameJA
	}
	return p.NameEN
}

var codeRE = regexp.MustCompile(`^[a-z0-9_]{2,64}$`)

// Validate returns the problems of p's fields.
func (p Product) Validate() valid.Errors {
	e := valid.Errors{}
	if !codeRE.MatchString(p.Code) {
		e.Add("code", "catalog.code_format")
	}
	e.Text("name_ja", p.NameJA, 200)
	e.Text("name_en", p.NameEN, 200)
	if !slices.Contains(Kinds, p.Kind) {
		e.Add("kind", "form.choose")
	}
	e.Range("max_years", int64(p.MaxYears), 1, MaxYears)
	if p.TakesWildcards && !p.TakesFQDNs {
		e.Add("takes_wildcards", "catalog.wildcards_need_fqdns")
	}
	return e
}

// Store reads and changes products.
type Store struct {
	DB    postgres.DB
	Clock clock.Clock
}

// With returns the store bound to q (the caller's transaction), with every
// store it holds bound too.
func (s *Store) With(q postgres.Querier) *Store {
	return postgres.Rebind(s, q)
}

const columns = `id, code, name_ja, name_en, kind, takes_fqdns, takes_wildcards, ships_token, max_years, active`

func scan(r pgx.CollectableRow) (Product, error) {
	var p Product
	err := r.Scan(&p.ID, &p.Code, &p.NameJA, &p.NameEN, &p.Kind, &p.TakesFQDNs, &p.TakesWildcards, &p.ShipsToken, &p.MaxYears, &p.Active)
	return p, err
}

// List returns every product, active first, then by id.
func (s *Store) List(ctx context.Context) ([]Product, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+columns+` FROM products ORDER BY NOT active, id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scan)
}

// Get returns product id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (Product, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+columns+` FROM products WHERE id = $1`, id)
	if err != nil {
		return Product{}, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// Save creates p (ID 0) or updates it, with an audit entry by actor. It
// returns the actor's refusal (auth.ReviewPartners), or valid.Errors for
// bad input, including a code already in use.
func (s *Store) Save(ctx context.Context, p Product, actor auth.Actor) (int64, error) {
	if err := actor.Require(auth.ReviewPartners); err != nil {
		return 0, err
	}
	if e := p.Validate(); len(e) > 0 {
		return 0, e
	}
	now := s.Clock.Now()
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var err error
		if p.ID == 0 {
			p.ID, err = insert(ctx, q, p, now)
		} else {
			err = s.update(ctx, q, p)
		}
		if err != nil {
			return err
		}
		e := actor.Entry().Of(now, audit.ProductSaved, "product", p.ID)
		e.Details = map[string]any{"product": p}
		return audit.Record(ctx, q, e)
	})
	if postgres.IsUniqueViolation(err, "products_code_key") {
		return 0, valid.Errors{"code": {ID: "catalog.code_taken"}}
	}
	return p.ID, err
}

// update changes everything but the code, which is stable once created.
func (s *Store) update(ctx context.Context, q postgres.Querier, p Product) error {
	tag, err := q.Exec(ctx, `
		UPDATE products SET name_ja = $2, name_en = $3, kind = $4, takes_fqdns = $5, takes_wildcards = $6,
		       ships_token = $7, max_years = $8, active = $9
		WHERE id = $1`, p.ID, p.NameJA, p.NameEN, p.Kind, p.TakesFQDNs, p.TakesWildcards, p.ShipsToken, p.MaxYears, p.Active)
	if err == nil && tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return err
}

// Insert adds products as they are (demo data).
func Insert(ctx context.Context, q postgres.Querier, now time.Time, ps []Product) error {
	for _, p := range ps {
		if _, err := insert(ctx, q, p, now); err != nil {
			return fmt.Errorf("product %s: %w", p.Code, err)
		}
	}
	return nil
}

func insert(ctx context.Context, q postgres.Querier, p Product, now time.Time) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `
		INSERT INTO products (code, name_ja, name_en, kind, takes_fqdns, takes_wildcards, ships_token, max_years, active, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		p.Code, p.NameJA, p.NameEN, p.Kind, p.TakesFQDNs, p.TakesWildcards, p.ShipsToken, p.MaxYears, p.Active, now).Scan(&id)
	return id, err
}
