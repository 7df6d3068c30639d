// Package partner is the partner portal's dashboard and Account menu:
// profile and language, users, management groups and the audit log.
package partner

import (
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Handlers serves the partner pages.
type Handlers struct {
	Accounts *account.Store
	Clock    clock.Clock
	Adapter  *httpx.Adapter
	Guard    httpx.Guard
}

// Routes registers the pages on r and their links in nav.
func (h *Handlers) Routes(r chi.Router, nav *layout.Nav) {
	a := h.Adapter
	r.With(h.Guard.Can(auth.UsePartnerPages)).Get("/dashboard", a.H(h.dashboard))
	r.With(h.Guard.Can(auth.UsePartnerPages)).Get("/account/profile", a.H(h.profile))
	admins := r.With(h.Guard.Can(auth.ManageAccount))
	admins.Get("/account/users", a.H(h.usersList))
	admins.Post("/account/users", a.H(h.userAdd))
	admins.Get("/account/users/{id}", a.H(h.userShow))
	admins.Post("/account/users/{id}/roles", a.H(h.userRoles))
	admins.Post("/account/users/{id}/active", a.H(h.userActive))
	admins.Get("/account/groups", a.H(h.groupsList))
	admins.Post("/account/groups", a.H(h.groupCreate))
	admins.Post("/account/groups/{id}/rename", a.H(h.groupRename))
	admins.Post("/account/groups/{id}/active", a.H(h.groupActive))
	admins.Get("/account/audit", a.H(h.auditLog))
	admins.Get("/account/audit/{id}", a.H(h.auditEntry))

	isAdmin := auth.Allows(auth.ManageAccount)
	nav.Add(false, "nav.home", layout.NavItem{LabelID: "nav.dashboard", Href: "/dashboard"})
	nav.Add(false, "nav.account", layout.NavItem{LabelID: "nav.profile", Href: "/account/profile"})
	nav.Add(false, "nav.account", layout.NavItem{LabelID: "nav.users", Href: "/account/users", Allowed: isAdmin})
	nav.Add(false, "nav.account", layout.NavItem{LabelID: "nav.groups", Href: "/account/groups", Allowed: isAdmin})
	nav.Add(false, "nav.account", layout.NavItem{LabelID: "nav.audit", Href: "/account/audit", Allowed: isAdmin})
}
