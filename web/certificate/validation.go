package certificate

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// QueuePage is the view model of operator Validation's queue.
type QueuePage struct{ Orders certificate.Page }

func (h *Handlers) queue(w http.ResponseWriter, r *http.Request) error {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	page, err := h.Certificates.Queue(r.Context(), after, httpx.Actor(r))
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, queueView(QueuePage{Orders: page}))
}

// ReviewPage is the view model of one request under validation: the
// request, the CSR's details, the organization, approve and reject.
type ReviewPage struct {
	Order  certificate.Order
	Reason string
	Errs   valid.Errors
}

func reviewPath(id int64) string { return fmt.Sprintf("/operator/validation/%d", id) }

func (h *Handlers) review(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	o, err := h.Certificates.ForValidation(r.Context(), id, httpx.Actor(r))
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, reviewView(ReviewPage{Order: o, Errs: valid.Errors{}}))
}

func (h *Handlers) approve(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Certificates.Approve(r.Context(), id, httpx.Actor(r)); err != nil {
		return err
	}
	httpx.SetFlash(w, r, "certificate.approved")
	return httpx.Redirect(w, r, reviewPath(id))
}

func (h *Handlers) reject(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	reason := f.Lines("reason")
	err = f.Do(func() error { return h.Certificates.Reject(r.Context(), id, reason, httpx.Actor(r)) })
	if errs, ok := httpx.Invalid(err); ok {
		o, err := h.Certificates.ForValidation(r.Context(), id, httpx.Actor(r))
		if err != nil {
			return err
		}
		return layout.Render(w, r, http.StatusUnprocessableEntity, reviewView(ReviewPage{Order: o, Reason: reason, Errs: errs}))
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "certificate.rejected")
	return httpx.Redirect(w, r, reviewPath(id))
}

// crl serves the CA's current CRL (public: relying parties fetch it).
func (h *Handlers) crl(w http.ResponseWriter, r *http.Request) error {
	der, err := h.Certificates.CRL(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pkix-crl")
	cache := "public, max-age=300"
	if w.Header().Get("Set-Cookie") != "" {
		cache = "private, no-store" // a stale session cookie is being cleared: no shared cache may keep that
	}
	w.Header().Set("Cache-Control", cache)
	_, err = w.Write(der)
	return err
}
