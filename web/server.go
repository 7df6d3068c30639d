// Package web is the browser UI: the router, the middleware every request
// passes (request id, logging, recovery, session, language, cross-origin
// protection) and the health endpoints; each area lives in its own package.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/apikey"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/metrics"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/quote"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/internal/webhook"
	"github.com/ccp-partner/portal/web/api"
	certificateweb "github.com/ccp-partner/portal/web/certificate"
	"github.com/ccp-partner/portal/web/finance"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
	"github.com/ccp-partner/portal/web/operator"
	"github.com/ccp-partner/portal/web/partner"
	quoteweb "github.com/ccp-partner/portal/web/quote"
	"github.com/ccp-partner/portal/web/signin"
	"github.com/ccp-partner/portal/web/signup"
	"github.com/ccp-partner/portal/web/static"
	subscriberweb "github.com/ccp-partner/portal/web/subscriber"
	voucherweb "github.com/ccp-partner/portal/web/voucher"
)

// Deps is what the web layer is built from.
type Deps struct {
	DB        postgres.DB
	Log       *slog.Logger
	Clock     clock.Clock
	TestClock *clock.Test // nil in production
	I18n      *i18n.Bundle
	Auth      *auth.Service
	Accounts  *account.Store
	Catalog   *catalog.Store
	Contracts *contract.Store
	Issuer    *issuer.Store
	Ledger    *ledger.Store
	Vouchers  *voucher.Service
	Billing   *billing.Service
	Quotes    *quote.Service
	Keys      *apikey.Service  // the Services API's keys
	Webhooks  *webhook.Service // webhook endpoints and deliveries
	// Subscribers are the end users who redeem voucher codes (/secure).
	Subscribers  *subscriber.Service
	Certificates *certificate.Service
	Cookies      httpx.Cookies
	Metrics      *metrics.Metrics // nil: no metrics
}

// NewHandler returns the portal's HTTP handler.
func NewHandler(d Deps) http.Handler {
	adapter := &httpx.Adapter{Log: d.Log, Render: layout.RenderError}
	guard := httpx.Guard{Adapter: adapter}
	nav := &layout.Nav{ // the groups in the manual's order; areas fill them, empty ones are hidden
		Partner:  groups("nav.home", "nav.certificates", "nav.finance", "nav.account"),
		Operator: groups("nav.console", "nav.administration"),
	}

	r := chi.NewRouter()
	r.Use(requestID, secureHeaders(d.Cookies), measureRequests(d.Metrics), logRequests(d.Log), recoverPanics(adapter),
		loadSession(d.Auth.Sessions, d.Cookies, adapter), chooseLanguage(d.I18n),
		layout.Middleware(nav, d.TestClock != nil), protectCrossOrigin(adapter), refuseBadQuery(adapter))
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { adapter.Error(w, r, httpx.ErrNotFound) })
	r.NotFound(notFound)
	r.MethodNotAllowed(notFound)

	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	r.Get("/readyz", ready(d.DB))
	r.Handle("/static/*", http.StripPrefix("/static", staticFiles(http.FS(static.FS), notFound)))
	r.Get("/", home)

	(&signin.Handlers{Auth: d.Auth, Accounts: d.Accounts, Adapter: adapter, Cookies: d.Cookies}).Routes(r)
	(&signup.Handlers{Accounts: d.Accounts, Adapter: adapter}).Routes(r)
	(&finance.Handlers{Accounts: d.Accounts, Catalog: d.Catalog, Contracts: d.Contracts, Billing: d.Billing, Ledger: d.Ledger, Clock: d.Clock,
		Adapter: adapter, Guard: guard}).Routes(r, nav)
	(&voucherweb.Handlers{Vouchers: d.Vouchers, Accounts: d.Accounts, Ledger: d.Ledger, Issuer: d.Issuer, Clock: d.Clock,
		Adapter: adapter, Guard: guard}).Routes(r, nav)
	(&quoteweb.Handlers{Quotes: d.Quotes, Accounts: d.Accounts, I18n: d.I18n, Clock: d.Clock, Adapter: adapter, Guard: guard}).Routes(r, nav)
	(&partner.Handlers{Accounts: d.Accounts, Clock: d.Clock, Adapter: adapter, Guard: guard}).Routes(r, nav)
	(&operator.Handlers{Accounts: d.Accounts, Catalog: d.Catalog, Contracts: d.Contracts, Issuer: d.Issuer, Ledger: d.Ledger,
		Sessions: d.Auth.Sessions, Clock: d.Clock, TestClock: d.TestClock, Adapter: adapter, Guard: guard}).Routes(r, nav)
	(&api.Handlers{Keys: d.Keys, Vouchers: d.Vouchers, Catalog: d.Catalog, Accounts: d.Accounts, Ledger: d.Ledger,
		Billing: d.Billing, Webhooks: d.Webhooks, Clock: d.Clock, Adapter: adapter, Guard: guard}).Routes(r, nav)
	(&certificateweb.Handlers{Certificates: d.Certificates, Vouchers: d.Vouchers, Accounts: d.Accounts, Ledger: d.Ledger,
		Adapter: adapter, Guard: guard}).Routes(r, nav)
	(&subscriberweb.Handlers{Subscribers: d.Subscribers, Vouchers: d.Vouchers, Certificates: d.Certificates, I18n: d.I18n, Adapter: adapter,
		Cookies: d.Cookies}).Routes(r, nav)
	return r
}

func groups(ids ...string) []layout.NavGroup {
	out := make([]layout.NavGroup, len(ids))
	for i, id := range ids {
		out[i].LabelID = id
	}
	return out
}

// home sends each visitor to their start page.
func home(w http.ResponseWriter, r *http.Request) {
	p := auth.PrincipalFrom(r.Context())
	switch {
	case p == nil:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	case p.IsOperator():
		http.Redirect(w, r, "/operator", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
	}
}

func ready(db postgres.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := postgres.CheckReady(ctx, db); err != nil {
			http.Error(w, "not ready\n", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	}
}

func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(httpx.WithRequestID(r.Context(), id)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int)        { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests logs one JSON line per request: method, path (never the query,
// which may carry tokens), status, duration and request id.
func logRequests(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(sw, r)
			attrs := []any{"request_id", httpx.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path,
				"status", sw.status, "ms", time.Since(start).Milliseconds()}
			if p := auth.PrincipalFrom(r.Context()); p != nil {
				attrs = append(attrs, "user_id", p.UserID)
			}
			log.InfoContext(r.Context(), "http", attrs...)
		})
	}
}

func recoverPanics(a *httpx.Adapter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					a.Error(w, r, panicError{v})
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

type panicError struct{ v any }

func (p panicError) Error() string { return "panic: " + slog.AnyValue(p.v).String() }

// loadSession puts the session's principal into the context; a stale cookie
// is cleared.
func loadSession(s auth.Sessions, cookies httpx.Cookies, a *httpx.Adapter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token := httpx.SessionToken(r)
			if token == "" {
				next.ServeHTTP(w, r)
				return
			}
			p, err := s.Lookup(r.Context(), token)
			switch {
			case errors.Is(err, auth.ErrNoSession):
				cookies.ClearSession(w)
			case err != nil:
				a.Error(w, r, err)
				return
			default:
				r = r.WithContext(auth.WithPrincipal(r.Context(), p))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// chooseLanguage picks the user's language, else the language cookie, else
// Accept-Language.
func chooseLanguage(b *i18n.Bundle) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lang := i18n.MatchAcceptLanguage(r.Header.Get("Accept-Language"))
			if c, err := r.Cookie(httpx.LanguageCookie); err == nil && i18n.Supported(c.Value) {
				lang = c.Value
			}
			if p := auth.PrincipalFrom(r.Context()); p != nil {
				lang = p.Language
			}
			w.Header().Set("Content-Language", lang)
			next.ServeHTTP(w, r.WithContext(i18n.WithLocalizer(r.Context(), b.Localizer(lang))))
		})
	}
}

// protectCrossOrigin refuses cross-origin unsafe requests (CSRF) with the
// translated 403 page.
func protectCrossOrigin(a *httpx.Adapter) func(http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.Error(w, r, &httpx.StatusError{Status: http.StatusForbidden, MessageID: "error.cross_origin"})
	}))
	return cop.Handler
}
