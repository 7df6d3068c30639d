package quote_test

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/quote"
)

// sample is a quote of two lines as saved on 7 Dec 2020 (the manual's).
func sample() quote.Quote {
	saved := time.Date(2020, 12, 7, 10, 0, 0, 0, clock.Tokyo)
	return quote.Quote{ID: 1, Number: "Q0000042", PartnerID: 1, GroupName: "Acme Corporation", Kind: quote.KindProduct,
		Memo: "社内メモ: 値引き交渉中", Subtotal: 17960 + 953400, TaxRate: 10, Tax: 97136, Total: 1068496, SavedAt: saved,
		SavedOn: clock.Date(saved), ExpiresOn: quote.ExpiresOn(saved), Status: quote.StatusSaved, Lines: []quote.Line{
			{No: 1, ProductID: 1, NameJA: "デジサート グローバル・サーバID", NameEN: "DigiCert Global Server ID", Years: 1, FQDNs: 4,
				Wildcards: 1, Quantity: 2, UnitPrice: 8980, Amount: 17960},
			{No: 2, ProductID: 3, NameJA: "デジサート グローバル・サーバID ワイルドカード", NameEN: "DigiCert Global Server ID Wildcard",
				Years: 1, FQDNs: 1, Wildcards: 1, Quantity: 1, UnitPrice: 953400, Amount: 953400},
		}}
}

func TestThePrintedQuote(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	contact := account.BillingContact{Name: "山田 太郎", Organization: "アクメ株式会社",
		Address: account.Address{Country: "JP", State: "東京都", City: "千代田区", Line1: "丸の内1-1-1", PostalCode: "100-0005"}}
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"ja", []string{"御見積書", "Q0000042", "2020年12月7日", "2021年1月6日", "デジサート グローバル・サーバID ワイルドカード",
			"¥8,980", "¥953,400", "小計", "¥971,360", "消費税 (10%)", "¥97,136", "¥1,068,496", "登録番号: T8010001078218",
			"山田 太郎 様", "アクメ株式会社"}},
		{"en", []string{"Quotation", "Q0000042", "7 Dec 2020", "6 Jan 2021", "DigiCert Global Server ID Wildcard",
			"¥1,068,496", "Registration number: T8010001078218", "Attn: 山田 太郎"}},
	} {
		l := b.Localizer(tc.lang)
		p := quote.Print{Issuer: demo.Operator, To: quote.Addressee(l, "Acme Corporation", contact, true)}
		var one, two bytes.Buffer
		if err := quote.Write(&one, sample(), p, l); err != nil {
			t.Fatal(err)
		}
		if err := quote.Write(&two, sample(), p, l); err != nil || !bytes.Equal(one.Bytes(), two.Bytes()) {
			t.Errorf("%s: the same quote gave other bytes (%v)", tc.lang, err)
		}
		if dir := os.Getenv("PORTAL_PDF_DIR"); dir != "" {
			_ = os.WriteFile(dir+"/quote-"+tc.lang+".pdf", one.Bytes(), 0o644)
		}
		text := pdfText(t, one.Bytes())
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s quote lacks %q:\n%s", tc.lang, w, text)
			}
		}
		if strings.Contains(text, "社内メモ") || strings.Contains(text, "値引き") {
			t.Errorf("%s quote prints the memo", tc.lang)
		}
	}
}

// The addressee: one honorific, after the last name (compliance-jp.md).
func TestTheAddresseeHasOneHonorific(t *testing.T) {
	b, _ := i18n.Load()
	ja := b.Localizer("ja")
	person := quote.Addressee(ja, "Acme Corporation", account.BillingContact{Name: "山田 太郎", Organization: "Acme Corporation"}, true)
	if strings.Join(person.Names, "|") != "Acme Corporation|山田 太郎 様" {
		t.Errorf("with a person: %q", person.Names)
	}
	company := quote.Addressee(ja, "Acme Corporation", account.BillingContact{}, false)
	if strings.Join(company.Names, "|") != "Acme Corporation 御中" {
		t.Errorf("without a person: %q", company.Names)
	}
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
