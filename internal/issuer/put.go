package issuer

import (
	"context"
	"time"

	"github.com/ccp-partner/portal/internal/postgres"
)

// Put writes id without validation or audit (demo data; Save does both).
func Put(ctx context.Context, q postgres.Querier, id Identity, now time.Time) error {
	phones := id.SupportPhones
	if phones == nil {
		phones = []string{} // the column is NOT NULL; nil would be NULL
	}
	_, err := q.Exec(ctx, `
		INSERT INTO operator_identity (id, name_ja, name_en, postal_code, address_ja, address_en, phone, fax,
		       registration_number, bank_name, bank_branch, bank_branch_number, account_type, account_number,
		       account_holder, sales_mailing_list, support_phones, support_url, support_hours_ja, support_hours_en, updated_at)
		VALUES (true, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $17, $18, $19, $20, $16)
		ON CONFLICT (id) DO UPDATE SET name_ja = $1, name_en = $2, postal_code = $3, address_ja = $4,
		       address_en = $5, phone = $6, fax = $7, registration_number = $8, bank_name = $9, bank_branch = $10,
		       bank_branch_number = $11, account_type = $12, account_number = $13, account_holder = $14,
		       sales_mailing_list = $15, updated_at = $16, support_phones = $17, support_url = $18,
		       support_hours_ja = $19, support_hours_en = $20`,
		id.NameJA, id.NameEN, id.PostalCode, id.AddressJA, id.AddressEN, id.Phone, id.Fax, id.RegistrationNumber,
		id.BankName, id.BankBranch, id.BankBranchNumber, id.AccountType, id.AccountNumber, id.AccountHolder,
		id.SalesMailingList, now, phones, id.SupportURL, id.SupportHoursJA, id.SupportHoursEN)
	return err
}
