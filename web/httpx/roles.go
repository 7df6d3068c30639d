package httpx

import (
	"net/http"
	"net/url"

	"github.com/ccp-partner/portal/internal/auth"
)

// Guard checks on the server who may use a route. Routes declare the
// permission they need (auth.Permission, the one table of who may do what); a refused request gets the translated 403 page,
// an anonymous one is sent to the sign-in page.
type Guard struct{ Adapter *Adapter }

// SignedIn requires any signed-in user.
func (g Guard) SignedIn(next http.Handler) http.Handler {
	return g.require(next, func(*auth.Principal) bool { return true })
}

// Can requires a principal holding perm (the table in auth.Permission).
func (g Guard) Can(perm auth.Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return g.require(next, func(p *auth.Principal) bool { return p.Can(perm) })
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
