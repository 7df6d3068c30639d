package layout

import (
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/contract"
)

// PriceGrid is a price table as product × validity years (O-7).
type PriceGrid struct {
	Years []int
	Rows  []PriceRow
}

// PriceRow is one product's prices; Cells[i] is for Years[i] (nil: not offered).
type PriceRow struct {
	Product catalog.Product
	Cells   []*contract.Entry
}

// NewPriceGrid arranges v's entries by product (catalogue order) and years;
// products without an entry are left out.
func NewPriceGrid(v contract.Version, products []catalog.Product) PriceGrid {
	maxYears := 0
	for _, e := range v.Entries {
		maxYears = max(maxYears, e.Years)
	}
	g := PriceGrid{}
	for y := 1; y <= maxYears; y++ {
		g.Years = append(g.Years, y)
	}
	for _, p := range products {
		row := PriceRow{Product: p, Cells: make([]*contract.Entry, maxYears)}
		found := false
		for _, e := range v.Entries {
			if e.ProductID == p.ID {
				e := e
				row.Cells[e.Years-1], found = &e, true
			}
		}
		if found {
			g.Rows = append(g.Rows, row)
		}
	}
	return g
}
