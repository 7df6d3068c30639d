package httpx

import (
	"net/http"
	"net/url"

	"github.com/ccp-partner/portal/internal/auth"
)

// Guard checks on the server who may use a route. Routes declare what they
// need with its middlewares; a refused request gets the translated 403 page,
// an anonymous one is sent to the sign-in page.
type Guard struct{ Adapter *Adapter }

// SignedIn requires any signed-in user.
func (g Guard) SignedIn(next http.Handler) http.Handler {
	return g.require(next, func(*auth.Principal) bool { return true })
}

// Partner requires partner staff holding one of roles (any partner role
// when none are given).
func (g Guard) Partner(roles ...auth.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return g.require(next, func(p *auth.Principal) bool {
			return !p.IsOperator() && (len(roles) == 0 || p.HasAny(roles...))
		})
	}
}

// Operator requires operator staff holding one of roles (any operator role
// when none are given).
func (g Guard) Operator(roles ...auth.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return g.require(next, func(p *auth.Principal) bool {
			return p.IsOperator() && (len(roles) == 0 || p.HasAny(roles...))
		})
	}
}

func (g Guard) require(next http.Handler, allowed func(*auth.Principal) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.PrincipalFrom(r.Context())
		switch {
		case p == nil:
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		case !allowed(p):
			g.Adapter.Error(w, r, ErrForbidden)
		default:
			next.ServeHTTP(w, r)
		}
	})
}
