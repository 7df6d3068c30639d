package finance

import (
	"net/http"

	"github.com/ccp-partner/portal/web/httpx"
)

// consoleCSV downloads the invoices the console's search selects, every
// page of them, for accounting software (the voucher exports' CSV rules:
// UTF-8 with a byte-order mark, or Shift_JIS with encoding=sjis).
func (h *Handlers) consoleCSV(w http.ResponseWriter, r *http.Request) error {
	p := consolePage(r)
	f := p.filter(h)
	if len(p.Errs) > 0 {
		return httpx.ErrBadInput
	}
	out, enc := httpx.CSVDownload(w, r, "invoices.csv")
	return h.Billing.WriteInvoicesCSV(r.Context(), out, f, enc)
}
