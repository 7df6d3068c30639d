// Package issuer owns the operator's own details that invoices and
// vouchers print: names, address, phone and fax, the qualified-invoice
// registration number, the bank account for transfers and the sales
// mailing list.
package issuer

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/jp"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// AccountTypes of a Japanese bank account.
var AccountTypes = []string{"ordinary", "current"}

// Identity is the operator's details.
type Identity struct {
	NameJA             string
	NameEN             string
	PostalCode         string
	AddressJA          string
	AddressEN          string
	Phone              string
	Fax                string
	RegistrationNumber string // T + 13 digits
	BankName           string
	BankBranch         string
	BankBranchNumber   string
	AccountType        string // ordinary (普通) or current (当座)
	AccountNumber      string
	AccountHolder      string
	SalesMailingList   string
}

// ErrNotSet means the operator has not entered its details yet.
var ErrNotSet = fault.New(fault.Conflict, "issuer: the operator's details are not set", "")

// Normalize tidies typed input (spaces, postal code, upper-case T).
func (id *Identity) Normalize() {
	for _, f := range []*string{&id.NameJA, &id.NameEN, &id.AddressJA, &id.AddressEN, &id.Phone, &id.Fax,
		&id.BankName, &id.BankBranch, &id.BankBranchNumber, &id.AccountNumber, &id.AccountHolder, &id.SalesMailingList} {
		*f = strings.TrimSpace(*f)
	}
	id.PostalCode = jp.NormalizePostalCode(id.PostalCode)
	id.RegistrationNumber = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(id.RegistrationNumber), "-", ""))
}

// Validate returns the problems of each field.
func (id Identity) Validate() valid.Errors {
	e := valid.Errors{}
	for field, v := range map[string]string{"name_ja": id.NameJA, "name_en": id.NameEN, "address_ja": id.AddressJA,
		"address_en": id.AddressEN, "phone": id.Phone, "bank_name": id.BankName, "bank_branch": id.BankBranch,
		"account_holder": id.AccountHolder} {
		e.Text(field, v, 200)
	}
	e.MaxLen("fax", id.Fax, 40)
	if !jp.ValidPostalCode(id.PostalCode) {
		e.Add("postal_code", "form.postal_code")
	}
	if !jp.ValidRegistrationNumber(id.RegistrationNumber) {
		e.Add("registration_number", "issuer.registration_number")
	}
	if !digits(id.BankBranchNumber, 3) {
		e.Add("bank_branch_number", "issuer.branch_number")
	}
	if !digits(id.AccountNumber, 7) {
		e.Add("account_number", "issuer.account_number")
	}
	if id.AccountType != "ordinary" && id.AccountType != "current" {
		e.Add("account_type", "form.choose")
	}
	e.Email("sales_mailing_list", id.SalesMailingList)
	return e
}

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Store reads and saves the identity.
type Store struct {
	DB    postgres.DB
	Clock clock.Clock
}

// With returns the store bound to q (the caller's transaction).
func (s *Store) With(q postgres.Querier) *Store { return postgres.Rebind(s, q) }

// Get returns the identity, or ErrNotSet.
func (s *Store) Get(ctx context.Context) (Identity, error) {
	var id Identity
	err := s.DB.QueryRow(ctx, `
		SELECT name_ja, name_en, postal_code, address_ja, address_en, phone, fax, registration_number,
		       bank_name, bank_branch, bank_branch_number, account_type, account_number, account_holder, sales_mailing_list
		FROM operator_identity`).Scan(&id.NameJA, &id.NameEN, &id.PostalCode, &id.AddressJA, &id.AddressEN, &id.Phone,
		&id.Fax, &id.RegistrationNumber, &id.BankName, &id.BankBranch, &id.BankBranchNumber, &id.AccountType,
		&id.AccountNumber, &id.AccountHolder, &id.SalesMailingList)
	if errors.Is(err, pgx.ErrNoRows) {
		return id, ErrNotSet
	}
	return id, err
}

// Save validates and stores id, recording the change with actor. It returns
// valid.Errors for bad input and writes nothing then.
func (s *Store) Save(ctx context.Context, id Identity, actor audit.Entry) error {
	id.Normalize()
	if e := id.Validate(); len(e) > 0 {
		return e
	}
	actor.At = s.Clock.Now()
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if err := Put(ctx, q, id, actor.At); err != nil {
			return err
		}
		actor.Action, actor.ObjectType, actor.Details = audit.IssuerSaved, "operator_identity", map[string]any{"identity": id}
		return audit.Record(ctx, q, actor)
	})
}
