package voucher

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
)

// orderPDF downloads every code of an order, one voucher a page, in the
// user's language.
func (h *Handlers) orderPDF(w http.ResponseWriter, r *http.Request) error {
	return h.pdf(w, r, "vouchers-%d.pdf", func(buf *bytes.Buffer, p *auth.Principal, id int64) error {
		return h.Vouchers.OrderPDF(r.Context(), buf, p.PartnerID, id, p.Language)
	})
}

// codePDF downloads one code's voucher.
func (h *Handlers) codePDF(w http.ResponseWriter, r *http.Request) error {
	return h.pdf(w, r, "voucher-%d.pdf", func(buf *bytes.Buffer, p *auth.Principal, id int64) error {
		return h.Vouchers.CodePDF(r.Context(), buf, p.PartnerID, id, p.Language)
	})
}

func (h *Handlers) pdf(w http.ResponseWriter, r *http.Request, name string, render func(*bytes.Buffer, *auth.Principal, int64) error) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = render(&buf, auth.PrincipalFrom(r.Context()), id)
	if errors.Is(err, voucher.ErrOrderNotFound) || errors.Is(err, voucher.ErrCodeNotFound) {
		return httpx.ErrNotFound
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="`+name+`"`, id))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = buf.WriteTo(w)
	return err
}
