package devdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Leftover matches the databases that development and the tests create and
// that Clean drops: the development database (portal), the one CI migrates
// up and down (portal_ci_migrations), the migrated templates the tests clone
// (tmpl_<hash>, tmpl_<hash>_build while one is built; see
// internal/postgres/postgrestest) and the per-test clones (t_<random>).
var Leftover = regexp.MustCompile(`^(` + Database + `|` + Database + `_ci_migrations|tmpl_[0-9a-f]{16}(_build)?|t_[0-9a-f]{16})$`)

// templateLock is the advisory lock postgrestest holds while it checks for
// and builds a template; Clean takes it too, so that it never drops a
// template under a test that has just found it.
const templateLock = 727274

// Clean removes what `make run` and `make test` leave behind, and writes
// what it did to out:
//
//   - on the server `portal devdb` uses (DATABASE_URL if set, else
//     127.0.0.1:5432 unless PORTAL_DEV_DB=private) and on TEST_DATABASE_URL's
//     server, it drops every database Leftover matches; a database in use is
//     kept and named, since dropping it would break whoever uses it;
//   - a private cluster in dataDir is stopped (if running) and deleted with
//     every database in it.
//
// An unreachable DATABASE_URL or TEST_DATABASE_URL is an error; no server
// at 127.0.0.1:5432 and no private cluster are not.
func Clean(ctx context.Context, getenv func(string) string, dataDir string, out io.Writer) error {
	if getenv("PORTAL_ENV") == "production" {
		return errors.New("devdb: cleaning databases is refused when PORTAL_ENV=production")
	}
	type server struct {
		url      string
		optional bool // the default local server: absent is fine
	}
	var servers []server
	switch {
	case getenv("DATABASE_URL") != "":
		servers = append(servers, server{url: getenv("DATABASE_URL")})
	case getenv("PORTAL_DEV_DB") != "private":
		servers = append(servers, server{url: localAdmin, optional: true})
	}
	if u := getenv("TEST_DATABASE_URL"); u != "" {
		servers = append(servers, server{url: u})
	}
	seen := map[string]bool{}
	for _, s := range servers {
		where, err := describe(s.url)
		if err != nil {
			return err
		}
		if seen[where] {
			continue
		}
		seen[where] = true
		if err := cleanServer(ctx, s.url, where, s.optional, Leftover, out); err != nil {
			return err
		}
	}
	return cleanPrivate(ctx, dataDir, out)
}

// describe names the server of a connection URL as host:port (or the
// socket directory and port).
func describe(raw string) (string, error) {
	cfg, err := pgconn.ParseConfig(raw)
	if err != nil {
		return "", fmt.Errorf("devdb: %w", err)
	}
	return fmt.Sprintf("%s:%d", cfg.Host, cfg.Port), nil
}

// cleanServer drops the databases match matches on the server of rawURL.
func cleanServer(ctx context.Context, rawURL, where string, optional bool, match *regexp.Regexp, out io.Writer) error {
	admin, err := maintenanceURL(rawURL)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	conn, err := pgx.Connect(cctx, admin)
	cancel()
	if err != nil {
		if optional {
			fmt.Fprintf(out, "no PostgreSQL server answers at %s: nothing to drop there\n", where)
			return nil
		}
		return fmt.Errorf("devdb: connect to the PostgreSQL server at %s: %w", where, err)
	}
	defer conn.Close(ctx)
	names, err := matching(ctx, conn, match)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Fprintf(out, "PostgreSQL at %s: no portal or test databases to drop\n", where)
		return nil
	}
	// Templates are dropped holding the lock postgrestest checks them under.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, templateLock) //nolint:errcheck
	var dropped, inUse []string
	for _, name := range names {
		_, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize())
		var pgErr *pgconn.PgError
		switch {
		case err == nil:
			dropped = append(dropped, name)
		case errors.As(err, &pgErr) && pgErr.Code == "55006": // object_in_use
			inUse = append(inUse, name)
		default:
			return fmt.Errorf("devdb: drop %s at %s: %w", name, where, err)
		}
	}
	if len(dropped) > 0 {
		fmt.Fprintf(out, "PostgreSQL at %s: dropped %s\n", where, strings.Join(dropped, ", "))
	}
	if len(inUse) > 0 {
		fmt.Fprintf(out, "PostgreSQL at %s: kept %s: in use (stop the portal or the tests using it, then run this again)\n",
			where, strings.Join(inUse, ", "))
	}
	return nil
}

// matching lists the databases match matches, per-test clones first and
// templates before the development databases.
func matching(ctx context.Context, conn *pgx.Conn, match *regexp.Regexp) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE datname ~ $1
		ORDER BY datname LIKE 't\_%' DESC, datname LIKE 'tmpl\_%' DESC, datname`, match.String())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// maintenanceURL is rawURL on the maintenance database "postgres", since a
// database cannot be dropped over a connection to itself.
func maintenanceURL(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("devdb: %w", err)
	}
	u.Path = "/postgres"
	return u.String(), nil
}

// cleanPrivate stops the private cluster in dataDir if it runs and deletes
// it, and its parent folder (.data) when that is left empty.
func cleanPrivate(ctx context.Context, dataDir string, out io.Writer) error {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(out, "no private cluster in %s\n", dataDir)
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); err == nil {
		stopped, err := stopPrivate(ctx, dir)
		if err != nil {
			return err
		}
		if stopped {
			fmt.Fprintf(out, "stopped the private PostgreSQL cluster in %s\n", dataDir)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("devdb: delete the private cluster: %w", err)
	}
	_ = os.Remove(filepath.Dir(dir)) // only if empty
	fmt.Fprintf(out, "deleted the private cluster in %s (and every database in it)\n", dataDir)
	return nil
}

// stopPrivate stops the cluster in dir (fast: open connections are ended)
// and reports true, unless pg_ctl finds it not running (a stale
// postmaster.pid).
func stopPrivate(ctx context.Context, dir string) (stopped bool, err error) {
	bin, err := binDir()
	if err != nil {
		return false, fmt.Errorf("devdb: the private cluster in %s seems to run, but pg_ctl is missing: %w", dir, err)
	}
	runAs := ""
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return false, errors.New("devdb: running as root and there is no 'postgres' user to run pg_ctl as")
		}
		runAs = "postgres"
	}
	pgctl := filepath.Join(bin, "pg_ctl")
	err = run(ctx, runAs, pgctl, "-D", dir, "status")
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 { // not running
		return false, nil
	}
	return true, run(ctx, runAs, pgctl, "-D", dir, "-m", "fast", "-w", "stop")
}
