// Package partner is the partner portal's own pages in the foundation: the
// dashboard and the Account menu (profile and language, users).
package partner

import (
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Handlers serves the partner pages.
type Handlers struct {
	Accounts *account.Store
	Adapter  *httpx.Adapter
	Guard    httpx.Guard
}

// Routes registers the pages on r and their links in nav.
func (h *Handlers) Routes(r chi.Router, nav *layout.Nav) {
	a := h.Adapter
	r.With(h.Guard.Partner()).Get("/dashboard", a.H(h.dashboard))
	r.With(h.Guard.Partner()).Get("/account/profile", a.H(h.profile))
	admins := r.With(h.Guard.Partner(auth.RoleAdmin))
	admins.Get("/account/users", a.H(h.usersList))
	admins.Get("/account/users/{id}", a.H(h.userShow))

	nav.Add(false, "nav.home", layout.NavItem{LabelID: "nav.dashboard", Href: "/dashboard"})
	nav.Add(false, "nav.account", layout.NavItem{LabelID: "nav.profile", Href: "/account/profile"})
	nav.Add(false, "nav.account", layout.NavItem{LabelID: "nav.users", Href: "/account/users", Allowed: hasRole(auth.RoleAdmin)})
}

func hasRole(roles ...auth.Role) func(*auth.Principal) bool {
	return func(p *auth.Principal) bool { return p.HasAny(roles...) }
}
