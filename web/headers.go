package web

import (
	"net/http"

	"github.com/ccp-partner/portal/web/httpx"
)

// contentSecurityPolicy allows only the portal's own scripts, styles and
// images (QR codes are data: URLs), no plug-ins, no framing, and forms that
// post only to the portal itself.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// secureHeaders sets the security headers on every response (pages,
// downloads and errors alike) and puts the cookie settings into the
// context. Strict-Transport-Security is sent only when the portal is served
// over https, since a browser would otherwise remember a promise the
// development server cannot keep.
func secureHeaders(cookies httpx.Cookies) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("X-Frame-Options", "DENY")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			if cookies.Secure {
				h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			}
			next.ServeHTTP(w, r.WithContext(httpx.WithCookies(r.Context(), cookies)))
		})
	}
}

// staticFiles serves the embedded files; a directory is "not found", never
// a listing.
func staticFiles(fs http.FileSystem, notFound http.Handler) http.Handler {
	files := http.FileServer(fs)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := fs.Open(r.URL.Path)
		if err != nil {
			notFound.ServeHTTP(w, r)
			return
		}
		st, err := f.Stat()
		_ = f.Close()
		if err != nil || st.IsDir() {
			notFound.ServeHTTP(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// refuseBadQuery answers 400 when a query value holds bytes the portal does
// not store (the rule of httpx.Form): no filter or link of the portal
// produces them, and they must not reach a query.
func refuseBadQuery(a *httpx.Adapter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, vs := range r.URL.Query() {
				for _, v := range vs {
					if !httpx.AcceptableText(v, false) {
						a.Error(w, r, httpx.ErrBadInput)
						return
					}
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
