// Package app wires the portal together: configuration → pool → clock →
// services → web handler and background workers. The command and the
// end-to-end tests start the portal through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/apikey"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/ca"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/config"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/metrics"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/quote"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/internal/webhook"
	"github.com/ccp-partner/portal/web"
	"github.com/ccp-partner/portal/web/httpx"
)

// App is a wired portal.
type App struct {
	// Deps are the services, listed once: the web layer is built from them
	// and tests reach them through the App (a.Accounts, a.TestClock …).
	web.Deps
	Config config.Config
	Pool   *pgxpool.Pool
	Mail   *mail.Worker
	// CloseInterval is how often the monthly close looks for a due month.
	CloseInterval time.Duration
	Handler       http.Handler // the portal's router; Serve adds /metrics to it when Config.MetricsAddr is empty

	metricsOnce sync.Once
	metricsLn   net.Listener
	metricsErr  error
}

// New connects to the database and wires every part. Close releases it.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	pool, err := postgres.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	bundle, err := i18n.Load()
	if err != nil {
		pool.Close()
		return nil, err
	}
	a := &App{Config: cfg, Pool: pool}
	a.DB, a.Log, a.I18n, a.Clock = pool, log, bundle, clock.System{}
	a.Cookies = httpx.Cookies{Secure: cfg.SecureCookies()}
	if !cfg.Production() {
		a.TestClock = clock.NewTest(pool)
		a.Clock = a.TestClock
	}
	a.Auth = auth.NewService(pool, a.Clock, bundle, cfg.BaseURL)
	a.Accounts = &account.Store{DB: pool, Clock: a.Clock, I18n: bundle, Auth: a.Auth}
	a.Catalog = &catalog.Store{DB: pool, Clock: a.Clock}
	a.Contracts = &contract.Store{DB: pool, Clock: a.Clock, Catalog: a.Catalog}
	a.Issuer = &issuer.Store{DB: pool, Clock: a.Clock}
	a.Ledger = &ledger.Store{DB: pool, Clock: a.Clock, Contracts: a.Contracts, Accounts: a.Accounts, I18n: bundle}
	a.Vouchers = &voucher.Service{DB: pool, Clock: a.Clock, Catalog: a.Catalog, Contracts: a.Contracts, Accounts: a.Accounts,
		Ledger: a.Ledger, Issuer: a.Issuer, I18n: bundle, BaseURL: cfg.BaseURL}
	a.Quotes = &quote.Service{DB: pool, Clock: a.Clock, Vouchers: a.Vouchers, Accounts: a.Accounts, Issuer: a.Issuer, I18n: bundle}
	a.Billing = &billing.Service{DB: pool, Pool: pool, Clock: a.Clock, Ledger: a.Ledger, Contracts: a.Contracts,
		Accounts: a.Accounts, Issuer: a.Issuer, I18n: bundle, Log: log}
	a.Subscribers = &subscriber.Service{DB: pool, Clock: a.Clock, I18n: bundle, BaseURL: cfg.BaseURL}
	// A development CA is dated two years back, so that the test clock can
	// issue certificates on earlier dates (the validity schedule's steps).
	authority, err := ca.Open(cfg.CAFile, !cfg.Production(), a.Clock.Now().AddDate(-2, 0, 0), cfg.BaseURL+certificate.CRLPath)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("issuing CA: %w", err)
	}
	a.Certificates = &certificate.Service{DB: pool, Clock: a.Clock, Vouchers: a.Vouchers, Catalog: a.Catalog, Ledger: a.Ledger,
		CA: authority, I18n: bundle, BaseURL: cfg.BaseURL}
	a.Keys = &apikey.Service{DB: pool, Clock: a.Clock}
	a.Webhooks = &webhook.Service{DB: pool, Clock: a.Clock, AllowPrivate: !cfg.Production(), Log: log, Interval: 5 * time.Second}
	a.CloseInterval = 15 * time.Second
	a.Mail = &mail.Worker{DB: pool, Sender: sender(cfg), From: cfg.MailFrom, Clock: a.Clock, Log: log, Interval: 5 * time.Second}
	a.Metrics = metrics.New(metrics.Options{Pool: pool, Now: a.Clock.Now, Log: log})
	a.Billing.Metrics = a.Metrics
	a.Handler = web.NewHandler(a.Deps)
	return a, nil
}

func sender(cfg config.Config) mail.Sender {
	if cfg.SMTP.Host == "" {
		return mail.FileSender{Dir: cfg.MailDir}
	}
	s := cfg.SMTP
	return mail.SMTPSender{Host: s.Host, Port: s.Port, Username: s.Username, Password: s.Password, TLS: s.TLS}
}

// Close releases the database pool.
func (a *App) Close() { a.Pool.Close() }

// Serve answers HTTP on ln (and /metrics on Config.MetricsAddr, when set)
// and runs the background workers until ctx is done; then it stops
// accepting, lets running requests finish (up to 20 s) and stops the
// workers. When one listener fails, the other is shut down too.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	metricsLn, err := a.MetricsListener()
	if err != nil {
		_ = ln.Close()
		return fmt.Errorf("serve: %w", err)
	}
	public := a.Handler
	if metricsLn == nil {
		public = withMetrics(a.Handler, a.Metrics.Handler())
	}
	servers := []*http.Server{a.server(public, 120*time.Second)}
	listeners := []net.Listener{ln}
	if metricsLn != nil {
		servers = append(servers, a.server(metricsOnly(a.Metrics.Handler()), 30*time.Second))
		listeners = append(listeners, metricsLn)
		a.Log.Info("metrics listening", "addr", metricsLn.Addr().String())
	}
	workCtx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	var workers sync.WaitGroup
	workers.Go(func() { a.Mail.Run(workCtx) })
	workers.Go(func() { a.Billing.Run(workCtx, a.CloseInterval) })
	workers.Go(func() { a.Webhooks.Run(workCtx) })

	served := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { served <- srv.Serve(listeners[i]) }()
	}
	select {
	case err = <-served:
	case <-ctx.Done():
		a.Log.Info("shutting down: no new connections, finishing requests")
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	for _, srv := range servers {
		if shutErr := srv.Shutdown(shutCtx); err == nil || errors.Is(err, http.ErrServerClosed) {
			err = shutErr
		}
	}
	cancel()
	stopWorkers()
	workers.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	a.Log.Info("stopped")
	return nil
}

func (a *App) server(h http.Handler, writeTimeout time.Duration) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
}

// MetricsListener opens the listener for /metrics on Config.MetricsAddr the
// first time it is called and returns it every time; Serve calls it, and a
// test may call it first to learn the address of ":0". It returns nil, nil
// when MetricsAddr is empty (then /metrics is on the public listener), and
// an error naming the address when it cannot listen.
func (a *App) MetricsListener() (net.Listener, error) {
	a.metricsOnce.Do(func() {
		if a.Config.MetricsAddr == "" {
			return
		}
		a.metricsLn, a.metricsErr = net.Listen("tcp", a.Config.MetricsAddr)
		if a.metricsErr != nil {
			a.metricsErr = fmt.Errorf("metrics listener (PORTAL_METRICS_ADDR): %w", a.metricsErr)
		}
	})
	return a.metricsLn, a.metricsErr
}

// metricsOnly answers GET /metrics with h and everything else with 404.
func metricsOnly(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	return mux
}

// withMetrics answers GET /metrics with metrics ahead of the portal's
// router, so that scrapes are not logged as page views nor need a session.
func withMetrics(portal, metrics http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			metrics.ServeHTTP(w, r)
			return
		}
		portal.ServeHTTP(w, r)
	})
}
