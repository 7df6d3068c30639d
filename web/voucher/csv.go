package voucher

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
)

// ordersCSV downloads the orders the list's filters select (all without filters).
func (h *Handlers) ordersCSV(w http.ResponseWriter, r *http.Request) error {
	f, errs := orderFilter(r)
	if len(errs) > 0 {
		return httpx.ErrBadInput
	}
	out, enc := httpx.CSVDownload(w, r, "voucher-orders.csv")
	return h.Vouchers.WriteOrdersCSV(r.Context(), out, auth.PrincipalFrom(r.Context()).PartnerID, f, enc)
}

// orderCodesCSV downloads the codes of one order.
func (h *Handlers) orderCodesCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	out, enc := httpx.CSVDownload(w, r, fmt.Sprintf("voucher-%d.csv", id))
	err = h.Vouchers.WriteOrderCodesCSV(r.Context(), out, p.PartnerID, id, p.Language, enc)
	if errors.Is(err, voucher.ErrOrderNotFound) {
		return httpx.ErrNotFound
	}
	return err
}

// usedCodesCSV downloads every used code of the account.
func (h *Handlers) usedCodesCSV(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	out, enc := httpx.CSVDownload(w, r, "used-voucher-codes.csv")
	return h.Vouchers.WriteUsedCodesCSV(r.Context(), out, p.PartnerID, p.Language, enc)
}

// orderFilter reads the order list's filters from the query string, the
// dates as an inclusive Japan-date period (valid.Errors.Period).
func orderFilter(r *http.Request) (voucher.ListFilter, valid.Errors) {
	q := r.URL.Query()
	errs := valid.Errors{}
	f := voucher.ListFilter{Status: q.Get("status"), CodeStatus: q.Get("code_status"), Customer: q.Get("customer")}
	f.From, f.To = errs.Period("from", q.Get("from"), "to", q.Get("to"))
	return f, errs
}
