// Package api is the Services API (JSON under /services/v2, keys in the
// X-DC-DEVKEY header, DigiCert's field names and error shape) and the
// Account → Automation pages where Administrators manage its keys.
package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/apikey"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/internal/webhook"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Base is the API's path.
const Base = "/services/v2"

// Handlers serves the API and the automation pages.
type Handlers struct {
	Keys     *apikey.Service
	Vouchers *voucher.Service
	Catalog  *catalog.Store
	Accounts *account.Store
	Ledger   *ledger.Store
	Billing  *billing.Service
	Webhooks *webhook.Service
	Clock    clock.Clock
	Adapter  *httpx.Adapter
	Guard    httpx.Guard
}

// handler is an API handler: it gets the authenticated caller and returns
// its refusal, which the API answers in DigiCert's error shape.
type handler func(w http.ResponseWriter, r *http.Request, c apikey.Caller) error

// Routes registers the API and the automation pages on r, their links in nav.
func (h *Handlers) Routes(r chi.Router, nav *layout.Nav) {
	r.Route(Base, func(r chi.Router) {
		r.Get("/openapi.json", h.openAPI)
		r.Group(func(r chi.Router) {
			r.Use(h.authenticate)
			h.voucherRoutes(r)
			r.Get("/finance/balance", h.H(auth.OrderVouchers, h.balance))
			r.Get("/finance/invoice", h.H(auth.SeeInvoices, h.invoices))
			r.Get("/finance/invoice/{number}/pdf", h.H(auth.SeeInvoices, h.invoicePDF))
			r.NotFound(func(w http.ResponseWriter, r *http.Request) { h.writeError(w, r, errNotFound) })
			r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { h.writeError(w, r, errNotFound) })
		})
	})
	h.pageRoutes(r, nav)
}

func (h *Handlers) voucherRoutes(r chi.Router) {
	r.Post("/voucher", h.H(auth.OrderVouchers, h.createOrder))
	r.Get("/voucher", h.H(auth.OrderVouchers, h.listOrders))
	r.Get("/voucher/download/used-codes", h.H(auth.OrderVouchers, h.usedCodes))
	r.Get("/voucher/{id}", h.H(auth.OrderVouchers, h.showOrder))
	r.Get("/voucher/{id}/download", h.H(auth.OrderVouchers, h.downloadCodes))
	r.Post("/voucher/{id}/cancel", h.H(auth.ChangeVouchers, h.cancelOrder))
	r.Post("/voucher/code/{id}/reissue", h.H(auth.ChangeVouchers, h.reissueCode))
}

// H adapts fn, which needs perm: the key's user must hold it (the same
// table as the pages), and the domain checks it again for changes.
func (h *Handlers) H(perm auth.Permission, fn handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		if !c.Principal.Can(perm) {
			h.writeError(w, r, auth.ErrForbidden)
			return
		}
		if err := fn(w, r, c); err != nil {
			h.writeError(w, r, err)
		}
	}
}

type callerKey struct{}

func callerFrom(ctx context.Context) apikey.Caller {
	c, _ := ctx.Value(callerKey{}).(apikey.Caller)
	return c
}

// authenticate answers 401 without a working key (X-DC-DEVKEY), 429 over
// the key's rate or after too many failures from the address, and 403
// for a read-only key on anything but GET, before any handler runs.
func (h *Handlers) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.Header.Get("X-DC-DEVKEY")
		if token == "" {
			h.writeError(w, r, errUnauthenticated)
			return
		}
		c, err := h.Keys.Authenticate(r.Context(), token, httpx.ClientIP(r))
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		if c.ReadOnly && r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.writeError(w, r, errReadOnly)
			return
		}
		ctx := context.WithValue(r.Context(), callerKey{}, c)
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(ctx, c.Principal)))
	})
}
