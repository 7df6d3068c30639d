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

// startCSV sets the download headers: UTF-8 with BOM unless encoding=sjis.
func startCSV(w http.ResponseWriter, r *http.Request, name string) voucher.Encoding {
	enc, charset := voucher.UTF8BOM, "utf-8"
	if r.URL.Query().Get("encoding") == "sjis" {
		enc, charset = voucher.ShiftJIS, "Shift_JIS"
	}
	w.Header().Set("Content-Type", "text/csv; charset="+charset)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	w.Header().Set("Cache-Control", "private, no-store")
	return enc
}

// ordersCSV downloads the orders the list's filters select (all without filters).
func (h *Handlers) ordersCSV(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := valid.Errors{}
	f := voucher.ListFilter{Status: q.Get("status"), CodeStatus: q.Get("code_status"), Customer: q.Get("customer")}
	if v := q.Get("from"); v != "" {
		f.From = errs.Date("from", v)
	}
	if v := q.Get("to"); v != "" {
		f.To = errs.Date("to", v)
	}
	if len(errs) > 0 {
		return httpx.ErrBadInput
	}
	enc := startCSV(w, r, "voucher-orders.csv")
	return h.Vouchers.WriteOrdersCSV(r.Context(), w, auth.PrincipalFrom(r.Context()).PartnerID, f, enc)
}

// orderCodesCSV downloads the codes of one order.
func (h *Handlers) orderCodesCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	if _, err := h.Vouchers.Order(r.Context(), p.PartnerID, id); errors.Is(err, voucher.ErrOrderNotFound) {
		return httpx.ErrNotFound
	} else if err != nil {
		return err
	}
	enc := startCSV(w, r, fmt.Sprintf("voucher-%d.csv", id))
	return h.Vouchers.WriteOrderCodesCSV(r.Context(), w, p.PartnerID, id, p.Language, enc)
}

// usedCodesCSV downloads every used code of the account.
func (h *Handlers) usedCodesCSV(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	enc := startCSV(w, r, "used-voucher-codes.csv")
	return h.Vouchers.WriteUsedCodesCSV(r.Context(), w, p.PartnerID, p.Language, enc)
}
