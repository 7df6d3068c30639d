// Package issuer owns the operator's own details that invoices and
// vouchers print: names, address, phone and fax, the qualified-invoice
// registration number, the bank account for transfers and the sales
// mailing list for partners; and, apart from those, the support contacts
// that vouchers give their end users.
package issuer

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/jp"
	"github.com/ccp-partner/portal/internal/pdf"
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

	// The end-user support block printed on vouchers (the manual's 電話 and
	// お問い合わせ), apart from the partner-facing contacts above.
	SupportPhones  []string // one or more numbers, printed in this order
	SupportURL     string   // the contact page, http:// or https://
	SupportHoursJA string   // optional, e.g. 平日 9:00〜17:30
	SupportHoursEN string   // optional, e.g. Weekdays 9:00–17:30 JST
}

// MaxSupportPhones is how many support numbers a voucher prints at most.
const MaxSupportPhones = 5

// ErrNotSet means the operator has not entered its details yet.
var ErrNotSet = fault.New(fault.Conflict, "issuer: the operator's details are not set", "")

// Normalize tidies typed input (spaces, postal code, upper-case T).
func (id *Identity) Normalize() {
	for _, f := range []*string{&id.NameJA, &id.NameEN, &id.AddressJA, &id.AddressEN, &id.Phone, &id.Fax,
		&id.BankName, &id.BankBranch, &id.BankBranchNumber, &id.AccountNumber, &id.AccountHolder, &id.SalesMailingList,
		&id.SupportURL, &id.SupportHoursJA, &id.SupportHoursEN} {
		*f = strings.TrimSpace(*f)
	}
	phones := []string{}
	for _, p := range id.SupportPhones {
		if p = strings.TrimSpace(p); p != "" {
			phones = append(phones, p)
		}
	}
	id.SupportPhones = phones
	for _, scheme := range []string{"https://", "http://"} {
		if len(id.SupportURL) >= len(scheme) && strings.EqualFold(id.SupportURL[:len(scheme)], scheme) {
			id.SupportURL = scheme + id.SupportURL[len(scheme):]
		}
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
	id.validateSupport(e)
	return e
}

// validateSupport checks the end-user support block: at least one phone
// number, each line as the company's phone; the contact page's http(s)
// address; the optional hours.
func (id Identity) validateSupport(e valid.Errors) {
	if len(id.SupportPhones) == 0 {
		e.Add("support_phones", "form.required")
	} else if len(id.SupportPhones) > MaxSupportPhones {
		e.Add("support_phones", "issuer.support_phones_count", map[string]any{"Max": MaxSupportPhones})
	}
	for _, p := range id.SupportPhones {
		e.Text("support_phones", p, 200)
	}
	if e.Required("support_url", id.SupportURL) && e.MaxLen("support_url", id.SupportURL, 500) && !ValidURL(id.SupportURL) {
		e.Add("support_url", "issuer.support_url")
	}
	e.MaxLen("support_hours_ja", id.SupportHoursJA, 200)
	e.MaxLen("support_hours_en", id.SupportHoursEN, 200)
}

// ValidURL reports whether s is an absolute http:// or https:// address
// with a host and no spaces.
func ValidURL(s string) bool {
	if strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && strings.HasPrefix(s, u.Scheme+"://") &&
		u.Host != "" && u.Hostname() != "" && u.User == nil
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
		       bank_name, bank_branch, bank_branch_number, account_type, account_number, account_holder, sales_mailing_list,
		       support_phones, support_url, support_hours_ja, support_hours_en
		FROM operator_identity`).Scan(&id.NameJA, &id.NameEN, &id.PostalCode, &id.AddressJA, &id.AddressEN, &id.Phone,
		&id.Fax, &id.RegistrationNumber, &id.BankName, &id.BankBranch, &id.BankBranchNumber, &id.AccountType,
		&id.AccountNumber, &id.AccountHolder, &id.SalesMailingList,
		&id.SupportPhones, &id.SupportURL, &id.SupportHoursJA, &id.SupportHoursEN)
	if errors.Is(err, pgx.ErrNoRows) {
		return id, ErrNotSet
	}
	return id, err
}

// Save validates and stores id, recording the change with actor. It returns
// valid.Errors for bad input and writes nothing then.
func (s *Store) Save(ctx context.Context, id Identity, actor auth.Actor) error {
	if err := actor.Require(auth.AdministerOperator); err != nil {
		return err
	}
	id.Normalize()
	if e := id.Validate(); len(e) > 0 {
		return e
	}
	now := s.Clock.Now()
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		if err := Put(ctx, q, id, now); err != nil {
			return err
		}
		e := actor.Entry().Of(now, audit.IssuerSaved, "operator_identity", "")
		e.Details = map[string]any{"identity": id}
		return audit.Record(ctx, q, e)
	})
}

// Block is the operator as a document prints it, in lang (ja: the Japanese
// name and address, otherwise the English): name, postal code, address,
// phone and fax, then more contact lines, and the registration line as the
// caller words it ("登録番号: T8010001078218").
func (id Identity) Block(lang, registration string, more ...string) pdf.Issuer {
	name, address := id.NameEN, id.AddressEN
	if lang == "ja" {
		name, address = id.NameJA, id.AddressJA
	}
	contact := []string{"TEL: " + id.Phone}
	if id.Fax != "" {
		contact = append(contact, "FAX: "+id.Fax)
	}
	return pdf.Issuer{Name: name, PostalCode: id.PostalCode, Address: []string{address},
		Contact: append(contact, more...), Registration: registration}
}
