package quote

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/quote"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// docLanguage is the language the query asks a quote in ("lang": ja or
// en), else the user's; another value is a bad request.
func docLanguage(r *http.Request) (string, error) {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		return auth.PrincipalFrom(r.Context()).Language, nil
	}
	if !slices.Contains(quote.Languages, lang) {
		return "", httpx.ErrBadInput
	}
	return lang, nil
}

// pdf serves quote {id} as a PDF in the asked language: a download, or
// inline with view=inline.
func (h *Handlers) pdf(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.servePDF(w, r, auth.PrincipalFrom(r.Context()).PartnerID, id)
}

// operatorPDF serves quote {quote} of partner {id} to operator Sales.
func (h *Handlers) operatorPDF(w http.ResponseWriter, r *http.Request) error {
	partnerID, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "quote")
	if err != nil {
		return err
	}
	return h.servePDF(w, r, partnerID, id)
}

func (h *Handlers) servePDF(w http.ResponseWriter, r *http.Request, partnerID, id int64) error {
	lang, err := docLanguage(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	q, err := h.Quotes.PDF(r.Context(), &b, partnerID, id, lang)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if r.URL.Query().Get("view") == "inline" {
		disposition = "inline"
	}
	name := quote.FileName(q, h.I18n.Localizer(lang))
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("%s; filename*=UTF-8''%s", disposition, url.PathEscape(name)))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(b.Bytes())
	return err
}

// PreviewPage is the view model of a quote shown on screen as printed.
type PreviewPage struct {
	Quote quote.Quote
	Print quote.Print
	L     *i18n.Localizer // the quote's language
}

// preview shows quote {id} on screen as its PDF prints it.
func (h *Handlers) preview(w http.ResponseWriter, r *http.Request) error {
	q, err := h.loadQuote(r)
	if err != nil {
		return err
	}
	lang, err := docLanguage(r)
	if err != nil {
		return err
	}
	l := h.I18n.Localizer(lang)
	p, err := h.Quotes.Printed(r.Context(), q, l)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, previewView(PreviewPage{Quote: q, Print: p, L: l}))
}

// send emails the quote with its PDF; refused addresses show the quick
// view again with the messages.
func (h *Handlers) send(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	form := SendForm{To: f.Lines("to"), Lang: f.Text("lang")}
	partnerID := auth.PrincipalFrom(r.Context()).PartnerID
	err = f.Do(func() error {
		return h.Quotes.Send(r.Context(), partnerID, id, quote.SendInput{To: form.To, Lang: form.Lang}, httpx.Actor(r))
	})
	errs, invalid := httpx.Invalid(err)
	if !invalid {
		if err != nil {
			return err
		}
		httpx.SetFlash(w, r, "quote.sent_flash")
		return httpx.Redirect(w, r, quotePath(id))
	}
	q, err := h.Quotes.Get(r.Context(), partnerID, id)
	if err != nil {
		return err
	}
	page, err := h.listPage(r, &q)
	if err != nil {
		return err
	}
	form.Errs = errs
	page.Send = form
	return layout.Render(w, r, http.StatusUnprocessableEntity, listView(page))
}

// deleteConfirm asks before deleting; an Ordered quote gets the reason.
func (h *Handlers) deleteConfirm(w http.ResponseWriter, r *http.Request) error {
	q, err := h.loadQuote(r)
	if err != nil {
		return err
	}
	if !q.Deletable() {
		return quote.ErrOrdered
	}
	return layout.Render(w, r, http.StatusOK, deleteView(q))
}

func (h *Handlers) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Quotes.Delete(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id, httpx.Actor(r)); err != nil {
		return err
	}
	httpx.SetFlash(w, r, "quote.deleted_flash")
	return httpx.Redirect(w, r, "/finance/quotes")
}

// purchaseOrder answers a purchase order forced past the disabled button:
// refused, with the quick view explaining where purchase order
// documents go; nothing is written.
func (h *Handlers) purchaseOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	partnerID := auth.PrincipalFrom(r.Context()).PartnerID
	err = h.Quotes.PurchaseOrder(r.Context(), partnerID, id, httpx.Actor(r))
	if !errors.Is(err, quote.ErrNoPurchaseOrders) {
		return err
	}
	q, err := h.Quotes.Get(r.Context(), partnerID, id)
	if err != nil {
		return err
	}
	page, err := h.listPage(r, &q)
	if err != nil {
		return err
	}
	page.Refusal = "quote.po_refused"
	return layout.Render(w, r, http.StatusConflict, listView(page))
}
