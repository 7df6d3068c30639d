package contract_test

import (
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
)

// TestProblemsNameEntriesByTheirPath: a version's problems name its entries
// by their place in Entries, not by any form's field names.
func TestProblemsNameEntriesByTheirPath(t *testing.T) {
	today := clock.Date(time.Now())
	products := map[int64]catalog.Product{1: {ID: 1, MaxYears: 3, Active: true}}
	v := contract.NewVersion{EffectiveFrom: today, Terms: contract.DefaultTerms(today), Entries: []contract.Entry{
		{ProductID: 1, Years: 1, DiscountBP: 12000},
		{ProductID: 99, Years: 1},
		{ProductID: 1, Years: 2, ListPrice: contract.MaxPrice + 1, Prices: contract.Prices{Base: -1, AdditionalFQDN: -1, Wildcard: -1}},
	}}
	errs := v.Validate(products, today)
	want := map[string]string{
		"entries[0].discount":       "contract.discount_range",
		"entries[1]":                "contract.unknown_product",
		"entries[2].list_price":     "form.int_range",
		"entries[2].base_price":     "form.int_range",
		"entries[2].fqdn_price":     "form.int_range",
		"entries[2].wildcard_price": "form.int_range",
	}
	if len(errs) != len(want) {
		t.Errorf("problems %v", errs)
	}
	for path, id := range want {
		if errs.ID(path) != id || contract.EntryPath(0, "") != "entries[0]" {
			t.Errorf("%s: %q, want %q", path, errs.ID(path), id)
		}
	}
}
