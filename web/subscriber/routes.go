// Package subscriber is the end users' side of the portal under /secure:
// sign-up with email verification, sign-in and sign-out with a session
// cookie of their own, the language choice, and the voucher redemption
// links (C-1). Staff sessions play no part here: the area's middleware
// drops the staff principal, and the subscriber cookie is scoped to
// /secure and looked up in the subscribers' own session table.
package subscriber

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// Cookie is the name of the subscriber session cookie (path /secure).
const Cookie = "portal_subscriber"

// home is where a subscriber lands when no page to return to is known.
const home = "/secure/"

// Handlers serves the subscriber area.
type Handlers struct {
	Subscribers *subscriber.Service
	Vouchers    *voucher.Service
	// Certificates are the subscriber's certificate orders (C-1 … C-4).
	Certificates *certificate.Service
	I18n         *i18n.Bundle
	Adapter      *httpx.Adapter
	Cookies      httpx.Cookies
}

// Routes registers the area's routes on r; subscribers have no place in
// the staff navigation, so nav is left as it is.
func (h *Handlers) Routes(r chi.Router, nav *layout.Nav) {
	a := h.Adapter
	r.Group(func(r chi.Router) {
		r.Use(h.loadSubscriber)
		r.Get("/secure/login", a.H(h.loginShow))
		r.Post("/secure/login", a.H(h.loginSubmit))
		r.Get("/secure/signup", a.H(h.signupShow))
		r.Post("/secure/signup", a.H(h.signupSubmit))
		r.Get("/secure/signup/sent", a.H(h.signupSent))
		r.Get("/secure/verify", a.H(h.verifyShow))
		r.Post("/secure/verify", a.H(h.verifySubmit))
		r.Post("/secure/language", a.H(h.languageSet))
		r.Post("/secure/logout", a.H(h.logout))
		r.Get("/secure/", a.H(h.signedIn(h.homeShow)))
		r.Get("/secure/requests/ssl_certificate/{product}", a.H(h.signedIn(h.redeemShow)))
		r.Post("/secure/requests/ssl_certificate/{product}", a.H(h.signedIn(h.redeemSubmit)))
		r.Get("/secure/orders/expiring/", a.H(h.signedIn(h.renewShow)))
		r.Post("/secure/orders/expiring/", a.H(h.signedIn(h.redeemSubmit)))
		r.Get("/secure/orders/{id}", a.H(h.signedIn(h.orderShow)))
		r.Get("/secure/orders/{id}/certificates/{cert}", a.H(h.signedIn(h.download)))
		r.Get("/secure/orders/{id}/cancel", a.H(h.signedIn(h.cancelConfirm)))
		r.Post("/secure/orders/{id}/cancel", a.H(h.signedIn(h.cancel)))
		r.Post("/secure/orders/{id}/reissue", a.H(h.signedIn(h.reissue)))
		h.resetRoutes(r)
	})
}

// loadSubscriber drops any staff principal (a staff session never acts
// here), puts the subscriber of the subscriber cookie into the context
// (clearing a stale cookie) and picks the language: the language cookie,
// else the subscriber's, else Accept-Language.
func (h *Handlers) loadSubscriber(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := auth.WithPrincipal(r.Context(), nil)
		if token := sessionToken(r); token != "" {
			sub, err := h.Subscribers.Lookup(ctx, token)
			switch {
			case errors.Is(err, subscriber.ErrNoSession):
				h.clearSession(w)
			case err != nil:
				h.Adapter.Error(w, r, err)
				return
			default:
				ctx = subscriber.WithSubscriber(ctx, sub)
			}
		}
		lang := i18n.MatchAcceptLanguage(r.Header.Get("Accept-Language"))
		if sub := subscriber.From(ctx); sub != nil {
			lang = sub.Language
		}
		if c, err := r.Cookie(httpx.LanguageCookie); err == nil && i18n.Supported(c.Value) {
			lang = c.Value
		}
		w.Header().Set("Content-Language", lang)
		next.ServeHTTP(w, r.WithContext(i18n.WithLocalizer(ctx, h.I18n.Localizer(lang))))
	})
}

// signedIn sends a visitor who is not a signed-in subscriber to the
// sign-in page, to come back to the same page (its query, and so the
// voucher code, kept) — or, for a form posted after the session expired,
// to the page the form was on.
func (h *Handlers) signedIn(next httpx.Handler) httpx.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if subscriber.From(r.Context()) == nil {
			http.Redirect(w, r, "/secure/login?next="+url.QueryEscape(returnPath(r)), http.StatusSeeOther)
			return nil
		}
		return next(w, r)
	}
}

// returnPath is where to come back after signing in: the page itself,
// or for a post, the page of this site that posted it.
func returnPath(r *http.Request) string {
	if p := httpx.ShownPage(r); p != "" {
		return localNext(p)
	}
	return home
}

// localNext is p when it is a local page of this area, else home: a return
// path can neither leave the site nor lead a subscriber to staff pages.
func localNext(p string) string {
	p = httpx.LocalPath(p, home)
	if !strings.HasPrefix(p, "/secure/") {
		return home
	}
	return p
}

func sessionToken(r *http.Request) string {
	c, err := r.Cookie(Cookie)
	if err != nil {
		return ""
	}
	return c.Value
}

func (h *Handlers) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, h.cookie(token, int(subscriber.AbsoluteLifetime.Seconds())))
}

func (h *Handlers) clearSession(w http.ResponseWriter) { http.SetCookie(w, h.cookie("", -1)) }

func (h *Handlers) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: Cookie, Value: value, Path: "/secure", MaxAge: maxAge,
		HttpOnly: true, Secure: h.Cookies.Secure, SameSite: http.SameSiteLaxMode}
}
