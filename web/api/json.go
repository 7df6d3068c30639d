package api

import (
	"time"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/voucher"
)

// OrderJSON is a voucher order with DigiCert's field names. Money is
// integer yen; times are RFC 3339 in Japan time, dates YYYY-MM-DD.
type OrderJSON struct {
	ID             int64      `json:"id"`
	Name           string     `json:"name"`
	Status         string     `json:"status"`
	Cost           int64      `json:"cost"`
	CostPlusTax    int64      `json:"cost_plus_tax"`
	Currency       string     `json:"currency"`
	CreatedDate    string     `json:"created_date"`
	ExpirationDate string     `json:"expiration_date"`
	ReceiptID      int64      `json:"receipt_id"`
	Notes          string     `json:"notes"`
	CanCancel      *bool      `json:"can_cancel,omitempty"`
	UsedFrom       string     `json:"used_from,omitempty"`
	ValidTill      string     `json:"valid_till,omitempty"`
	Codes          []CodeJSON `json:"codes,omitempty"`
}

// CodeJSON is a voucher code.
type CodeJSON struct {
	ID             int64       `json:"id"`
	Value          string      `json:"value"`
	Product        ProductJSON `json:"product"`
	NoOfFQDNs      int         `json:"no_of_fqdns"`
	NoOfWildcards  int         `json:"no_of_wildcards"`
	ValidityYears  int         `json:"validity_years"`
	ShippingMethod string      `json:"shipping_method,omitempty"`
	Status         string      `json:"status"`
	OrderID        int64       `json:"voucher_order_id"`
	CreatedDate    string      `json:"created_date"`
	ReissuedFrom   string      `json:"reissued_from,omitempty"`
}

// ProductJSON names a code's product.
type ProductJSON struct {
	NameID string `json:"name_id"`
	Name   string `json:"name"`
}

// timestamp is t in RFC 3339 with the Japan zone.
func timestamp(t time.Time) string { return t.In(clock.Tokyo).Format(time.RFC3339) }

func date(t time.Time) string { return t.Format(time.DateOnly) }

// orderStatus spells the status as DigiCert does ("canceled").
func orderStatus(s string) string {
	if s == voucher.OrderCancelled {
		return "canceled"
	}
	return s
}

func orderJSON(o voucher.Order) OrderJSON {
	return OrderJSON{ID: o.ID, Name: o.Customer, Status: orderStatus(o.Status), Cost: int64(o.Total),
		CostPlusTax: int64(o.TotalWithTax()), Currency: "JPY", CreatedDate: timestamp(o.CreatedAt),
		ExpirationDate: date(o.ExpiresOn), ReceiptID: o.ID, Notes: o.Memo}
}

// detailJSON is the order with its cancel flag, validity and codes.
func detailJSON(o voucher.Order, codes []voucher.Code, lang string, now time.Time) OrderJSON {
	j := orderJSON(o)
	can := o.CanCancel(now)
	j.CanCancel, j.UsedFrom, j.ValidTill = &can, date(o.OrderDate), date(o.ExpiresOn)
	j.Codes = codesJSON(codes, lang, now)
	return j
}

func codesJSON(codes []voucher.Code, lang string, now time.Time) []CodeJSON {
	out := make([]CodeJSON, len(codes))
	for i, c := range codes {
		out[i] = codeJSON(c, lang, now)
	}
	return out
}

func codeJSON(c voucher.Code, lang string, now time.Time) CodeJSON {
	j := CodeJSON{ID: c.ID, Value: c.Code, Product: ProductJSON{NameID: c.Product.Code, Name: c.Product.Name(lang)},
		NoOfFQDNs: c.FQDNs, NoOfWildcards: c.Wildcards, ValidityYears: c.Years, Status: orderStatus(c.Shown(now)),
		OrderID: c.OrderID, CreatedDate: timestamp(c.CreatedAt), ReissuedFrom: c.ReissuedFrom}
	if c.ShipToken {
		j.ShippingMethod = shipToken
	}
	return j
}
