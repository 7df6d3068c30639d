package demo

import (
	"context"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
)

// contractTerms are the demo partners' terms; the period is the current
// fiscal year (April to March, Japan time).
var contractTerms = []contract.Terms{
	{PaymentTerms: "NET30EOM", CreditLimit: 5_000_000, TaxRate: 10, Note: "覚書 2026"},
	{PaymentTerms: "NET60", CreditLimit: 3_000_000, TaxRate: 10},
}

func loadContract(ctx context.Context, q postgres.Querier, partnerID int64, t contract.Terms, now time.Time, by int64) error {
	today := clock.Date(now)
	year := today.Year()
	if today.Month() < time.April {
		year--
	}
	t.StartDate = time.Date(year, time.April, 1, 0, 0, 0, 0, clock.Tokyo)
	t.EndDate = t.StartDate.AddDate(1, 0, -1)
	entries, err := priceEntries(ctx, q)
	if err != nil {
		return err
	}
	_, err = contract.Insert(ctx, q, partnerID, contract.NewVersion{EffectiveFrom: t.StartDate, Terms: t, Entries: entries}, by, now)
	return err
}

func priceEntries(ctx context.Context, q postgres.Querier) ([]contract.Entry, error) {
	ids := map[string]int64{}
	rows, err := q.Query(ctx, `SELECT code, id FROM products`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return nil, err
		}
		ids[code] = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]contract.Entry, 0, len(PriceTable))
	for _, r := range PriceTable {
		var base *money.Yen // none in the table: the offered price
		if r.Base != 0 {
			b := money.Yen(r.Base)
			base = &b
		}
		out = append(out, contract.NewEntry(ids[r.Code], r.Years, money.Yen(r.List), r.DiscountBP, base, money.Yen(r.FQDN), money.Yen(r.Wild)))
	}
	return out, nil
}

func loadAcmeSettings(ctx context.Context, q postgres.Querier, partnerID int64, now time.Time, sales int64) error {
	if _, err := q.Exec(ctx, `
		INSERT INTO billing_contacts (partner_id, name, organization, country, address1, address2, city, state, postal_code, emails, phone, updated_at)
		VALUES ($1, '山田 太郎', 'アクメ株式会社', 'JP', '丸の内1-1-1', 'アクメビル5階', '千代田区', '東京都', '100-0005',
		        '{billing@acme.example,acme-finance@acme.example}', '03-1234-5678', $2)`, partnerID, now); err != nil {
		return err
	}
	today := clock.Date(now)
	_, err := q.Exec(ctx, `INSERT INTO proxy_consents (partner_id, signed_on, valid_until, recorded_by, recorded_at, note)
		VALUES ($1, $2, $3, $4, $5, '代行アクセス許諾の承諾書')`,
		partnerID, today.AddDate(0, -1, 0), today.AddDate(1, 0, 0), sales, now)
	return err
}
