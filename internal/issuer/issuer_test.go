package issuer_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/auth/authtest"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
	"github.com/ccp-partner/portal/internal/valid"
)

// identity is a complete, valid identity.
func identity() issuer.Identity {
	return issuer.Identity{
		NameJA: "デジサート・ジャパン合同会社", NameEN: "DigiCert Japan G.K.", PostalCode: "104-0061",
		AddressJA: "東京都中央区銀座6-10-1 GINZA SIX 8階", AddressEN: "GINZA SIX 8F, 6-10-1 Ginza, Chuo-ku, Tokyo",
		Phone: "03-4560-3971", Fax: "03-6756-9881", RegistrationNumber: "T8010001078218", BankName: "三井住友銀行",
		BankBranch: "ツバキ支店", BankBranchNumber: "879", AccountType: "current", AccountNumber: "0012345",
		AccountHolder: "デジサートジャパン(ド)", SalesMailingList: "DL-TSS-SSL-Partner@digicert.com",
		SupportPhones: []string{"0120-707-637", "03-4578-1368"}, SupportURL: "https://www.digicert.com/jp/contact-us/",
	}
}

// TestSupportContactsAreChecked: the end-user support block needs one to
// five phone numbers, each checked as the company's phone (required, at
// most 200 characters), and an http:// or https:// contact page; the hours
// are optional.
func TestSupportContactsAreChecked(t *testing.T) {
	long := strings.Repeat("0", 201)
	cases := []struct {
		name  string
		edit  func(*issuer.Identity)
		field string // "" when valid
		id    string
	}{
		{"complete", func(*issuer.Identity) {}, "", ""},
		{"with hours", func(id *issuer.Identity) {
			id.SupportHoursJA, id.SupportHoursEN = "平日 9:00〜17:30", "Weekdays 9:00-17:30"
		}, "", ""},
		{"http", func(id *issuer.Identity) { id.SupportURL = "http://support.example.jp/contact" }, "", ""},
		{"upper-case scheme", func(id *issuer.Identity) { id.SupportURL = "HTTPS://www.digicert.com/jp/" }, "", ""},
		{"blank lines dropped", func(id *issuer.Identity) { id.SupportPhones = []string{"", " 0120-707-637 ", "  "} }, "", ""},
		{"no phone", func(id *issuer.Identity) { id.SupportPhones = []string{" ", ""} }, "support_phones", "form.required"},
		{"phone too long", func(id *issuer.Identity) { id.SupportPhones = []string{"0120-707-637", long} }, "support_phones", "form.too_long"},
		{"six phones", func(id *issuer.Identity) { id.SupportPhones = slices.Repeat([]string{"0120-707-637"}, 6) }, "support_phones", "issuer.support_phones_count"},
		{"no url", func(id *issuer.Identity) { id.SupportURL = " " }, "support_url", "form.required"},
		{"no scheme", func(id *issuer.Identity) { id.SupportURL = "www.digicert.com/jp/contact-us/" }, "support_url", "issuer.support_url"},
		{"ftp", func(id *issuer.Identity) { id.SupportURL = "ftp://www.digicert.com/" }, "support_url", "issuer.support_url"},
		{"javascript", func(id *issuer.Identity) { id.SupportURL = "javascript:alert(1)" }, "support_url", "issuer.support_url"},
		{"no host", func(id *issuer.Identity) { id.SupportURL = "https:///contact" }, "support_url", "issuer.support_url"},
		{"space", func(id *issuer.Identity) { id.SupportURL = "https://www.digicert.com/jp/contact us/" }, "support_url", "issuer.support_url"},
		{"user info", func(id *issuer.Identity) { id.SupportURL = "https://evil@www.digicert.com/" }, "support_url", "issuer.support_url"},
		{"hours too long", func(id *issuer.Identity) { id.SupportHoursEN = long }, "support_hours_en", "form.too_long"},
	}
	for _, c := range cases {
		id := identity()
		c.edit(&id)
		id.Normalize()
		errs := id.Validate()
		switch {
		case c.field == "" && len(errs) > 0:
			t.Errorf("%s: refused: %v", c.name, errs)
		case c.field != "" && (len(errs) != 1 || errs.ID(c.field) != c.id):
			t.Errorf("%s: %v, want %s: %s", c.name, errs, c.field, c.id)
		}
	}
	id := identity()
	id.SupportPhones, id.SupportURL = []string{"", " 0120-707-637 ", "  ", "03-4578-1368\r"}, " HTTPS://www.digicert.com/jp/ "
	id.Normalize()
	if !slices.Equal(id.SupportPhones, []string{"0120-707-637", "03-4578-1368"}) || id.SupportURL != "https://www.digicert.com/jp/" {
		t.Errorf("normalized: %q %q", id.SupportPhones, id.SupportURL)
	}
}

// TestSupportContactsAreStored: a row written before the support columns
// existed stays readable with an empty support block; Save stores the
// block, and refuses a bad contact page writing nothing.
func TestSupportContactsAreStored(t *testing.T) {
	ctx := context.Background()
	pool := postgrestest.NewPool(t)
	store := &issuer.Store{DB: pool, Clock: clock.System{}}
	if _, err := store.Get(ctx); !errors.Is(err, issuer.ErrNotSet) {
		t.Fatalf("empty table: %v", err)
	}
	// The columns of migration 3 only, as an existing row has them.
	if _, err := pool.Exec(ctx, `
		INSERT INTO operator_identity (name_ja, name_en, postal_code, address_ja, address_en, phone, fax, registration_number,
		       bank_name, bank_branch, bank_branch_number, account_type, account_number, account_holder, sales_mailing_list, updated_at)
		VALUES ('デジサート・ジャパン合同会社', 'DigiCert Japan G.K.', '104-0061', '東京都', 'Tokyo', '03-4560-3971', '', 'T8010001078218',
		        '三井住友銀行', 'ツバキ支店', '879', 'current', '0012345', 'デジサート', 'sales@digicert.example', now())`); err != nil {
		t.Fatal(err)
	}
	old, err := store.Get(ctx)
	if err != nil || len(old.SupportPhones) != 0 || old.SupportURL != "" || old.SupportHoursJA != "" || old.SupportHoursEN != "" {
		t.Fatalf("an existing row: %+v %v", old, err)
	}

	bad := identity()
	bad.SupportURL = "www.digicert.com/jp/contact-us/"
	var errs valid.Errors
	if err := store.Save(ctx, bad, auth.System("test")); !errors.As(err, &errs) || errs.ID("support_url") != "issuer.support_url" {
		t.Fatalf("bad contact page: %v", err)
	}
	if got, _ := store.Get(ctx); got.SupportURL != "" || got.Phone != old.Phone {
		t.Errorf("the refused save wrote: %+v", got)
	}

	good := identity()
	good.SupportPhones = []string{"0120-707-637", "", "03-4578-1368"}
	good.SupportHoursJA, good.SupportHoursEN = "平日 9:00〜17:30", "Weekdays 9:00-17:30 JST"
	if err := store.Save(ctx, good, auth.System("test")); err != nil {
		t.Fatal(err)
	}
	got, err := store.Get(ctx)
	if err != nil || !slices.Equal(got.SupportPhones, []string{"0120-707-637", "03-4578-1368"}) ||
		got.SupportURL != good.SupportURL || got.SupportHoursJA != good.SupportHoursJA || got.SupportHoursEN != good.SupportHoursEN {
		t.Errorf("stored: %+v %v", got, err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1`, string(audit.IssuerSaved)).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d audit entries, %v", n, err)
	}
}

// TestSavingTheIdentityChecksItsActor: only an operator administrator
// changes what every invoice prints.
func TestSavingTheIdentityChecksItsActor(t *testing.T) {
	pool := postgrestest.NewPool(t)
	store := &issuer.Store{DB: pool, Clock: clock.System{}}
	authtest.Check(t, pool, 1, store, []authtest.Action{
		{Name: "Save", Perm: auth.AdministerOperator, Do: func(_ int64, a auth.Actor) error {
			return store.Save(context.Background(), identity(), a)
		}},
	})
}
