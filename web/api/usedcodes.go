package api

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ccp-partner/portal/internal/apikey"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
)

// UsedCodes is the answer of GET /voucher/download/used-codes in JSON:
// each code with the CSV's columns (voucher.CodeColumns) as its fields.
type UsedCodes struct {
	Codes []map[string]string `json:"codes"`
	Page  UsedPage            `json:"page"`
}

// UsedPage is the window of a used-codes answer.
type UsedPage struct {
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// usedCodes answers the partner's Used codes: the CSV the pages export
// with Accept: text/csv, else JSON filtered (filters[voucher_order_id],
// filters[product_name_id]), sorted (sort=column, -column for descending)
// and paginated (limit, offset).
func (h *Handlers) usedCodes(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	partnerID, lang := c.Principal.PartnerID, i18n.From(r.Context()).Lang()
	if wantsCSV(r) {
		return h.Vouchers.WriteUsedCodesCSV(r.Context(), httpx.Attachment(w, "text/csv; charset=utf-8", "used-codes.csv"), partnerID, lang, voucher.UTF8BOM)
	}
	limit, offset, err := window(r, 100, 1000)
	if err != nil {
		return err
	}
	sortBy, desc := strings.CutPrefix(r.URL.Query().Get("sort"), "-")
	if sortBy == "" {
		sortBy = "id"
	}
	if !slices.Contains(voucher.CodeColumns, sortBy) {
		return invalid("sort", "form.choose")
	}
	var buf bytes.Buffer
	if err := h.Vouchers.WriteUsedCodesCSV(r.Context(), &buf, partnerID, lang, voucher.UTF8BOM); err != nil {
		return err
	}
	rows, err := usedRows(buf.Bytes(), r)
	if err != nil {
		return err
	}
	sortRows(rows, sortBy, desc)
	out := UsedCodes{Codes: []map[string]string{}, Page: UsedPage{Total: len(rows), Limit: limit, Offset: offset}}
	if offset < len(rows) {
		out.Codes = rows[offset:min(offset+limit, len(rows))]
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// usedRows reads the export back into rows keyed by column, keeping those
// the filters select.
func usedRows(data []byte, r *http.Request) ([]map[string]string, error) {
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil || len(records) == 0 {
		return nil, err
	}
	q := r.URL.Query()
	filters := map[string]string{"voucher_order_id": q.Get("filters[voucher_order_id]"), "product_name": q.Get("filters[product_name]")}
	var out []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, col := range records[0] {
			if i < len(rec) {
				row[col] = rec[i]
			}
		}
		if matches(row, filters) {
			out = append(out, row)
		}
	}
	return out, nil
}

func matches(row, filters map[string]string) bool {
	for k, v := range filters {
		if v != "" && row[k] != v {
			return false
		}
	}
	return true
}

// sortRows sorts by col, numerically when both values are numbers.
func sortRows(rows []map[string]string, col string, desc bool) {
	slices.SortStableFunc(rows, func(a, b map[string]string) int {
		x, y := a[col], b[col]
		c := strings.Compare(x, y)
		if nx, err1 := strconv.ParseInt(x, 10, 64); err1 == nil {
			if ny, err2 := strconv.ParseInt(y, 10, 64); err2 == nil {
				c = cmpInt(nx, ny)
			}
		}
		if desc {
			return -c
		}
		return c
	})
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
