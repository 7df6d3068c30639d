package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/apikey"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
)

// UsedCodes is the answer of GET /voucher/download/used-codes in JSON:
// each code with the CSV's columns (voucher.CodeColumns) as its fields.
type UsedCodes struct {
	Codes []UsedCodeJSON `json:"codes"`
	Page  Page           `json:"page"`
}

// UsedCodeJSON is one Used code with the CSV's column names, its
// certificate order's columns filled (empty while none exists; the
// validity and the order's plan stay empty, or null, while a request waits
// for validation).
type UsedCodeJSON struct {
	ID                     int64   `json:"id"`
	Value                  string  `json:"value"`
	ProductName            string  `json:"product_name"`
	NoOfFQDNs              int     `json:"no_of_fqdns"`
	NoOfWildcards          int     `json:"no_of_wildcards"`
	ShippingMethod         string  `json:"shipping_method"`
	ValidityYears          int     `json:"validity_years"`
	ValidityDays           int     `json:"validity_days"`
	Status                 string  `json:"status"`
	CreatedDate            string  `json:"created_date"`
	OrderID                int64   `json:"voucher_order_id"`
	CertRequestDate        string  `json:"cert_request_date"`
	CertValidityStartDate  string  `json:"cert_validity_start_date"`
	CertValidityEndDate    string  `json:"cert_validity_end_date"`
	CertOrganization       string  `json:"cert_organization"`
	CertCommonName         string  `json:"cert_common_name"`
	CertificateOrderID     string  `json:"certificate_order_id"`
	VoucherValidityEndDate string  `json:"voucher_validity_end_date"`
	OrderValidFrom         *string `json:"order_valid_from"`
	OrderValidTill         *string `json:"order_valid_till"`
	ServerLicenses         int     `json:"server_licenses"`
}

// usedCodes answers the partner's Used codes: the CSV the pages export
// with Accept: text/csv, else JSON filtered (filters[voucher_order_id],
// filters[product_name_id]), sorted (sort=column of voucher.UsedSorts,
// -column for descending) and paginated (limit, offset), one page read
// by the database (voucher.Service.UsedCodes).
func (h *Handlers) usedCodes(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	partnerID, lang := c.Principal.PartnerID, i18n.From(r.Context()).Lang()
	if wantsCSV(r) {
		return h.Vouchers.WriteUsedCodesCSV(r.Context(), httpx.Attachment(w, "text/csv; charset=utf-8", "used-codes.csv"), partnerID, lang, voucher.UTF8BOM)
	}
	limit, offset, err := window(r, 100, 1000)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := voucher.UsedFilter{Limit: limit, Offset: offset, Product: q.Get("filters[product_name_id]")}
	f.Sort, f.Desc = strings.CutPrefix(q.Get("sort"), "-")
	if f.Sort == "" {
		f.Sort = "id"
	}
	if !slices.Contains(voucher.UsedSorts, f.Sort) {
		return invalid("sort", "form.choose")
	}
	if s := q.Get("filters[voucher_order_id]"); s != "" {
		if f.OrderID, err = strconv.ParseInt(s, 10, 64); err != nil || f.OrderID <= 0 {
			return invalid("filters[voucher_order_id]", "api.error.id")
		}
	}
	page, err := h.Vouchers.UsedCodes(r.Context(), partnerID, f)
	if err != nil {
		return err
	}
	out := UsedCodes{Codes: make([]UsedCodeJSON, len(page.Codes)),
		Page: Page{Total: page.Total, TotalCapped: page.Capped, Limit: limit, Offset: offset}}
	for i, u := range page.Codes {
		out.Codes[i] = usedCodeJSON(u, lang)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func usedCodeJSON(u voucher.UsedCode, lang string) UsedCodeJSON {
	j := UsedCodeJSON{ID: u.ID, Value: u.Code, ProductName: u.ProductName(lang), NoOfFQDNs: u.FQDNs, NoOfWildcards: u.Wildcards,
		ShippingMethod: "N/A", ValidityYears: u.Years, ValidityDays: u.ValidityDays(), Status: voucher.CodeUsed,
		CreatedDate: timestamp(u.CreatedAt), OrderID: u.OrderID, VoucherValidityEndDate: date(u.ExpiresOn), ServerLicenses: 1}
	if u.ShipToken {
		j.ShippingMethod = "hardware_token"
	}
	if at, ok := u.RequestDate(); ok {
		j.CertRequestDate = timestamp(at)
	}
	if c := u.Certificate; c.OrderID != 0 {
		j.CertificateOrderID = strconv.FormatInt(c.OrderID, 10)
		j.CertCommonName, j.CertOrganization = c.CommonName, c.Organization
		if c.Issued() {
			j.CertValidityStartDate, j.CertValidityEndDate = timestamp(c.NotBefore), timestamp(c.NotAfter)
		}
	}
	from, till := u.OrderValidity()
	j.OrderValidFrom, j.OrderValidTill = optionalDate(from), optionalDate(till)
	return j
}

// optionalDate is t as a date, or nil (JSON null) when it is not known yet.
func optionalDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	d := date(t)
	return &d
}
