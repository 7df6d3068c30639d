// Package signin is the sign-in area: /login, /logout, the language switch
// and the emailed password-reset flow.
package signin

import (
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/web/httpx"
)

// Handlers serves the sign-in area.
type Handlers struct {
	Auth     *auth.Service
	Accounts *account.Store
	Adapter  *httpx.Adapter
	Cookies  httpx.Cookies
}

// Routes registers the area's routes on r.
func (h *Handlers) Routes(r chi.Router) {
	a := h.Adapter
	r.Get("/login", a.H(h.loginShow))
	r.Post("/login", a.H(h.loginSubmit))
	r.Post("/logout", a.H(h.logout))
	r.Post("/language", a.H(h.languageSet))
	r.Get("/password/forgot", a.H(h.forgotShow))
	r.Post("/password/forgot", a.H(h.forgotSubmit))
	r.Get("/password/reset", a.H(h.resetShow))
	r.Post("/password/reset", a.H(h.resetSubmit))
}
