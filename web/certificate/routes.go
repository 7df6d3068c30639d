// Package certificate is the staff's certificate pages: partner staff's
// certificate orders (redeemed from their codes, and direct orders charged
// to the balance, C-5) with cancellation (C-4); operator Validation's queue
// with approve and reject (C-3); and the CA's public CRL.
package certificate

import (
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Handlers serves the certificate pages.
type Handlers struct {
	Certificates *certificate.Service
	Vouchers     *voucher.Service
	Accounts     *account.Store
	Ledger       *ledger.Store
	Adapter      *httpx.Adapter
	Guard        httpx.Guard
}

// Routes registers the pages on r and their links in nav.
func (h *Handlers) Routes(r chi.Router, nav *layout.Nav) {
	a := h.Adapter
	r.Get(certificate.CRLPath, a.H(h.crl))
	r.Head(certificate.CRLPath, a.H(h.crl))
	p := r.With(h.Guard.Can(auth.OrderCertificates))
	p.Get("/certificates", a.H(h.list))
	p.Get("/certificates/new", a.H(h.newForm))
	p.Post("/certificates", a.H(h.create))
	p.Get("/certificates/{id}", a.H(h.show))
	p.Get("/certificates/{id}/cancel", a.H(h.cancelConfirm))
	p.Post("/certificates/{id}/cancel", a.H(h.cancel))
	p.Get("/certificates/{id}/certificates/{cert}", a.H(h.download))
	p.Post("/certificates/{id}/reissue", a.H(h.reissue))
	v := r.With(h.Guard.Can(auth.ValidateCertificates))
	v.Get("/operator/validation", a.H(h.queue))
	v.Get("/operator/validation/{id}", a.H(h.review))
	v.Post("/operator/validation/{id}/approve", a.H(h.approve))
	v.Post("/operator/validation/{id}/reject", a.H(h.reject))

	nav.Add(false, "nav.certificates", layout.NavItem{LabelID: "certificate.menu", Href: "/certificates", Allowed: auth.Allows(auth.OrderCertificates)})
	nav.Add(true, "nav.console", layout.NavItem{LabelID: "certificate.validation_menu", Href: "/operator/validation", Allowed: auth.Allows(auth.ValidateCertificates)})
}
