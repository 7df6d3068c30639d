package api

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/apikey"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/web/httpx"
)

// Balance is the account's four figures in integer yen.
type Balance struct {
	CurrentBalance int64  `json:"current_balance"`
	UnpaidInvoices int64  `json:"unpaid_invoices"`
	CreditLimit    int64  `json:"credit_limit"`
	Available      int64  `json:"available"`
	Currency       string `json:"currency"`
}

// balance answers the four figures.
func (h *Handlers) balance(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	f, err := h.Ledger.Figures(r.Context(), c.Principal.PartnerID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Balance{CurrentBalance: int64(f.CurrentBalance), UnpaidInvoices: int64(f.UnpaidInvoices),
		CreditLimit: int64(f.CreditLimit), Available: int64(f.Available), Currency: "JPY"})
	return nil
}

// InvoiceJSON is one invoice.
type InvoiceJSON struct {
	ID            int64  `json:"id"`
	Number        string `json:"number"`
	Month         string `json:"month"`
	IssuedDate    string `json:"issued_date"`
	DueDate       string `json:"due_date"`
	Net           int64  `json:"net"`
	Tax           int64  `json:"tax"`
	Total         int64  `json:"total"`
	CreditApplied int64  `json:"credit_applied"`
	Paid          int64  `json:"paid"`
	Due           int64  `json:"due"`
	PDFURL        string `json:"pdf_url"`
}

// InvoiceList is the answer of GET /finance/invoice.
type InvoiceList struct {
	Invoices []InvoiceJSON `json:"invoices"`
	Next     int64         `json:"next_before,omitempty"` // pass as before= for the next page
}

// invoices lists the partner's invoices newest first, limit at a time
// (before=id for the next page).
func (h *Handlers) invoices(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	limit, _, err := window(r, 50, 200)
	if err != nil {
		return err
	}
	var before int64
	if s := r.URL.Query().Get("before"); s != "" {
		if before, err = strconv.ParseInt(s, 10, 64); err != nil || before < 0 {
			return invalid("before", "api.error.offset")
		}
	}
	list, err := h.Billing.Invoices(r.Context(), billing.InvoiceFilter{PartnerID: c.Principal.PartnerID, After: before, Limit: limit})
	if err != nil {
		return err
	}
	out := InvoiceList{Invoices: make([]InvoiceJSON, len(list))}
	for i, inv := range list {
		out.Invoices[i] = InvoiceJSON{ID: inv.ID, Number: inv.Number, Month: inv.Month.String(), IssuedDate: date(inv.IssuedOn),
			DueDate: date(inv.DueOn), Net: int64(inv.Net), Tax: int64(inv.Tax), Total: int64(inv.Total),
			CreditApplied: int64(inv.CreditApplied), Paid: int64(inv.Paid), Due: int64(inv.Due()),
			PDFURL: Base + "/finance/invoice/" + inv.Number + "/pdf"}
	}
	if len(list) == limit {
		out.Next = list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// invoicePDF answers the stored PDF of an invoice of the partner.
func (h *Handlers) invoicePDF(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	d, err := h.Billing.DocumentOf(r.Context(), c.Principal.PartnerID, chi.URLParam(r, "number"))
	if err != nil {
		return err
	}
	_, err = httpx.Attachment(w, "application/pdf", d.FileName).Write(d.Content)
	return err
}
