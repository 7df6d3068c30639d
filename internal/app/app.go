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
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/config"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web"
	"github.com/ccp-partner/portal/web/httpx"
)

// App is a wired portal.
type App struct {
	Config    config.Config
	Log       *slog.Logger
	Pool      *pgxpool.Pool
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
	Mail      *mail.Worker
	Handler   http.Handler
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
	a := &App{Config: cfg, Log: log, Pool: pool, I18n: bundle, Clock: clock.System{}}
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
	a.Mail = &mail.Worker{DB: pool, Sender: sender(cfg), From: cfg.MailFrom, Clock: a.Clock, Log: log, Interval: 5 * time.Second}
	a.Handler = web.NewHandler(web.Deps{
		DB: pool, Log: log, Clock: a.Clock, TestClock: a.TestClock, I18n: bundle,
		Auth: a.Auth, Accounts: a.Accounts, Catalog: a.Catalog, Contracts: a.Contracts, Issuer: a.Issuer,
		Ledger: a.Ledger, Vouchers: a.Vouchers, Cookies: httpx.Cookies{Secure: cfg.SecureCookies()},
	})
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

// Serve answers HTTP on ln and runs the background workers until ctx is
// done; then it stops accepting, lets running requests finish (up to 20 s)
// and stops the workers.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	workCtx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	var workers sync.WaitGroup
	workers.Go(func() { a.Mail.Run(workCtx) })

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		a.Log.Info("shutting down: no new connections, finishing requests")
		shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err = srv.Shutdown(shutCtx)
		cancel()
	}
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
