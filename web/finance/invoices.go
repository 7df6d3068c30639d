package finance

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/web/layout"
)

// InvoicesPage is the view model of Finance → Orders and invoices (M-6):
// the partner's invoices a page at a time, and its credit notes.
type InvoicesPage struct {
	Invoices    []billing.Invoice
	CreditNotes []billing.CreditNote
	Next        int64 // the keyset of the next page; 0: none
}

func (h *Handlers) invoices(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	const pageSize = 50
	invs, err := h.Billing.Invoices(r.Context(), billing.InvoiceFilter{PartnerID: p.PartnerID, After: after, Limit: pageSize + 1})
	if err != nil {
		return err
	}
	page := InvoicesPage{Invoices: invs}
	if len(invs) > pageSize {
		page.Invoices, page.Next = invs[:pageSize], invs[pageSize-1].ID
	}
	if after == 0 {
		if page.CreditNotes, err = h.Billing.CreditNotes(r.Context(), p.PartnerID); err != nil {
			return err
		}
	}
	return layout.Render(w, r, http.StatusOK, invoicesView(page, h.Clock.Now()))
}

// document serves a stored PDF of the signed-in partner (another
// partner's number is not found): the stored bytes exactly, with their
// SHA-256, inline for the preview or as a download.
func (h *Handlers) document(w http.ResponseWriter, r *http.Request) error {
	return h.serveDocument(w, r, auth.PrincipalFrom(r.Context()).PartnerID)
}

// serveDocument serves document {number} of partnerID (0: any partner).
func (h *Handlers) serveDocument(w http.ResponseWriter, r *http.Request, partnerID int64) error {
	if lang := r.URL.Query().Get("lang"); lang != "" && lang != billing.DocumentLanguage && i18n.Supported(lang) {
		return h.serveTranslation(w, r, partnerID, lang)
	}
	d, err := h.Billing.DocumentOf(r.Context(), partnerID, chi.URLParam(r, "number"))
	if err != nil {
		return err
	}
	disposition := "attachment"
	if r.URL.Query().Get("view") == "inline" {
		disposition = "inline"
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("%s; filename*=UTF-8''%s", disposition, url.PathEscape(d.FileName)))
	w.Header().Set("X-Content-SHA256", hex.EncodeToString(d.SHA256[:]))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(d.Content)
	return err
}

// serveTranslation shows document {number} rendered again in lang, stamped
// as a translation (the stored Japanese original is the document).
func (h *Handlers) serveTranslation(w http.ResponseWriter, r *http.Request, partnerID int64, lang string) error {
	b, err := h.Billing.Translation(r.Context(), partnerID, chi.URLParam(r, "number"), lang)
	if err != nil {
		return err
	}
	return inlinePDF(w, "translation.pdf", b)
}

// inlinePDF answers with a PDF to show in the browser, not to keep.
func inlinePDF(w http.ResponseWriter, name string, b []byte) error {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", "inline; filename="+name)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err := w.Write(b)
	return err
}

// monthToDate previews the open month as a statement stamped "not an invoice".
func (h *Handlers) monthToDate(w http.ResponseWriter, r *http.Request) error {
	b, err := h.Billing.MonthToDate(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID)
	if err != nil {
		return err
	}
	return inlinePDF(w, "month-to-date.pdf", b)
}

func documentHref(number string, inline bool) string {
	if inline {
		return "/finance/documents/" + url.PathEscape(number) + "?view=inline"
	}
	return "/finance/documents/" + url.PathEscape(number)
}
