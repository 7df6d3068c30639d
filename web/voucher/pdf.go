package voucher

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
)

// orderPDF downloads every code of an order, one voucher a page, in the
// user's language.
func (h *Handlers) orderPDF(w http.ResponseWriter, r *http.Request) error {
	return h.pdf(w, r, "vouchers-%d.pdf", func(out io.Writer, p *auth.Principal, id int64) error {
		return h.Vouchers.OrderPDF(r.Context(), out, p.PartnerID, id, p.Language)
	})
}

// codePDF downloads one code's voucher.
func (h *Handlers) codePDF(w http.ResponseWriter, r *http.Request) error {
	return h.pdf(w, r, "voucher-%d.pdf", func(out io.Writer, p *auth.Principal, id int64) error {
		return h.Vouchers.CodePDF(r.Context(), out, p.PartnerID, id, p.Language)
	})
}

func (h *Handlers) pdf(w http.ResponseWriter, r *http.Request, name string, render func(io.Writer, *auth.Principal, int64) error) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	// The document is complete before its first byte is written, so an
	// error while making it still becomes an error page; it is written
	// straight to the response rather than copied into a buffer first.
	out := &download{w: w, name: fmt.Sprintf(name, id)}
	err = render(out, auth.PrincipalFrom(r.Context()), id)
	if errors.Is(err, voucher.ErrOrderNotFound) || errors.Is(err, voucher.ErrCodeNotFound) {
		return httpx.ErrNotFound
	}
	return err
}

// download sets the PDF's headers when its first byte is written.
type download struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (d *download) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		d.w.Header().Set("Content-Type", "application/pdf")
		d.w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, d.name))
		d.w.Header().Set("Cache-Control", "private, no-store")
	}
	return d.w.Write(p)
}
