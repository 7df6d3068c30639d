package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/app"
	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/config"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/devdb"
	"github.com/ccp-partner/portal/internal/postgres"
)

func loadConfig(getenv func(string) string) (config.Config, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return cfg, err
	}
	if cfg.DatabaseURL == "" {
		return cfg, errors.New("DATABASE_URL is not set")
	}
	return cfg, nil
}

func serve(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	return serveWith(ctx, cfg, stderr, func(string) {})
}

// serveWith starts the portal with cfg; ready is called with the URL once
// it listens.
func serveWith(ctx context.Context, cfg config.Config, logOut io.Writer, ready func(url string)) error {
	log := slog.New(slog.NewJSONHandler(logOut, nil))
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := postgres.CheckReady(ctx, a.Pool); err != nil {
		return fmt.Errorf("%w (run: portal migrate up)", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String(), "config", cfg.String())
	ready(cfg.BaseURL)
	return a.Serve(ctx, ln)
}

// dev is `make run`: a database, migrations, demo data, then serve.
func dev(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	dbURL, err := devdb.Find(ctx, getenv, devdb.Database, devDataDir, stdout)
	if err != nil {
		return err
	}
	env := func(k string) string {
		if k == "DATABASE_URL" {
			return dbURL
		}
		return getenv(k)
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	if err := migrate(cfg.DatabaseURL, "up"); err != nil {
		return err
	}
	link, err := loadDemo(ctx, cfg, io.Discard)
	switch {
	case err == nil:
		fmt.Fprintln(stdout, "demo data loaded into the empty database")
	case errors.Is(err, demo.ErrAlreadyLoaded):
	case errors.Is(err, demo.ErrNotEmpty):
		fmt.Fprintln(stdout, "the database holds other data, so no demo data was loaded: the demo logins may not work")
	default:
		return err
	}
	return serveWith(ctx, cfg, stderr, func(url string) {
		fmt.Fprintf(stdout, "\nThe portal is running at %s\n", url)
		fmt.Fprintf(stdout, "Sign in as any of: %s\n", strings.Join(demo.Usernames(), ", "))
		printEndUser(stdout, url, link)
		fmt.Fprintf(stdout, "Emails are written to %s. Stop with Ctrl-C.\n\n", cfg.MailDir)
	})
}

// devDataDir holds the private development cluster (git-ignored).
const devDataDir = ".data/postgres"

// devdbCmd prints the URL of a development database (default "portal"),
// finding or starting a server as `make run` does; `make test` uses it.
func devdbCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := devdb.Database
	if len(args) == 1 {
		name = args[0]
	}
	u, err := devdb.Find(ctx, getenv, name, devDataDir, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, u)
	return nil
}

// cleandbCmd drops the development and test databases and deletes the
// private cluster (make clean-db); see devdb.Clean.
func cleandbCmd(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	return devdb.Clean(ctx, getenv, devDataDir, stdout)
}

func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return errors.New("usage: portal migrate up|down|version")
	}
	if args[0] == "version" {
		m, err := postgres.NewMigrator(cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer m.Close()
		v, dirty, err := m.Version()
		if err != nil {
			return err
		}
		latest, _ := postgres.LatestVersion()
		fmt.Fprintf(stdout, "version %d (dirty: %v); this binary's latest: %d\n", v, dirty, latest)
		return nil
	}
	if err := migrate(cfg.DatabaseURL, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrate %s: done\n", args[0])
	return nil
}

func migrate(dbURL, direction string) error {
	m, err := postgres.NewMigrator(dbURL)
	if err != nil {
		return err
	}
	defer m.Close()
	switch direction {
	case "up":
		return m.Up()
	case "down":
		return m.Down()
	}
	return fmt.Errorf("unknown migrate direction %q (up, down or version)", direction)
}

// demoCmd loads the demo data; on a database that already holds it, it
// says so and succeeds, and on one holding other users it fails.
func demoCmd(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	_, err = loadDemo(ctx, cfg, stdout)
	if errors.Is(err, demo.ErrAlreadyLoaded) {
		fmt.Fprintln(stdout, "demo data is already there: nothing loaded")
		return nil
	}
	return err
}

// loadDemo loads the demo data and prints the logins. It returns a
// voucher's link for the end user to try (app.DemoRedemptionLink, "" for
// none), also with demo.ErrAlreadyLoaded when the data was already there.
func loadDemo(ctx context.Context, cfg config.Config, stdout io.Writer) (string, error) {
	if cfg.Production() {
		return "", errors.New("demo data is refused when PORTAL_ENV=production")
	}
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return "", err
	}
	defer a.Close()
	hash, err := auth.HashPassword(demo.Password)
	if err != nil {
		return "", err
	}
	loaded := a.LoadDemo(ctx, hash)
	if loaded != nil && !errors.Is(loaded, demo.ErrAlreadyLoaded) {
		return "", loaded
	}
	link, err := a.DemoRedemptionLink(ctx)
	if err != nil || loaded != nil {
		return link, errors.Join(loaded, err)
	}
	fmt.Fprintf(stdout, "demo data loaded; logins: %s\n", strings.Join(demo.Usernames(), ", "))
	printEndUser(stdout, cfg.BaseURL, link)
	return link, nil
}

// printEndUser prints the end user's login, the demo password and the
// voucher's link to try.
func printEndUser(stdout io.Writer, base, link string) {
	fmt.Fprintf(stdout, "end user: %s at %s/secure/login\n", demo.EndUser.Email, base)
	fmt.Fprintf(stdout, "demo password: %s\n", demo.Password)
	if link != "" {
		fmt.Fprintf(stdout, "try a voucher's link as the end user: %s\n", link)
	}
}

func clockCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if cfg.Production() {
		return clock.ErrRefused
	}
	pool, err := postgres.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	c := clock.NewTest(pool)
	if err := moveClock(ctx, c, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "business time: %s (offset %s)\n", c.Now().In(clock.Tokyo).Format(time.RFC3339), c.Offset())
	return nil
}

func moveClock(ctx context.Context, c *clock.Test, args []string) error {
	also := func(q postgres.Querier, from, to time.Time) error {
		return audit.Record(ctx, q, audit.Entry{At: to, ActorUsername: "cli", Action: audit.ClockMoved,
			ObjectType: "clock", Details: map[string]any{"from": from, "to": to}})
	}
	switch {
	case len(args) == 1 && args[0] == "show":
		return nil
	case len(args) == 1 && args[0] == "reset":
		return c.Reset(ctx, also)
	case len(args) == 2 && args[0] == "set":
		t, err := clock.ParseTime(args[1])
		if err != nil {
			return err
		}
		return c.Set(ctx, t, also)
	case len(args) == 2 && args[0] == "advance":
		d, err := clock.ParseDuration(args[1])
		if err != nil {
			return err
		}
		return c.Advance(ctx, d, also)
	}
	return errors.New("usage: portal clock show | set <time> | advance <duration> | reset")
}

// version is set with -ldflags "-X main.buildVersion=…", else read from the
// module build information.
var buildVersion = ""

func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}
