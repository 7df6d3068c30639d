// Package devdb finds a PostgreSQL for `make run` on a developer's machine:
// DATABASE_URL if set; else the server at 127.0.0.1:5432 if it answers;
// else a private cluster under .data/postgres started from the machine's
// PostgreSQL binaries (run as the postgres user when we are root, since
// initdb refuses root); else it says exactly what to install.
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
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Database is the name of the development database.
const Database = "portal"

const localAdmin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=2"

// ErrNoPostgres says what to install when no PostgreSQL can be found or started.
var ErrNoPostgres = errors.New("no PostgreSQL found: set DATABASE_URL, start a server on 127.0.0.1:5432, " +
	"or install the binaries (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@15)")

// Find returns the URL of database name on a development server, creating
// the database (and a private cluster in dataDir) when needed. With
// DATABASE_URL set, that server is used; PORTAL_DEV_DB=private skips the
// server at 127.0.0.1:5432. Progress is written to out.
func Find(ctx context.Context, getenv func(string) string, name, dataDir string, out io.Writer) (string, error) {
	if u := getenv("DATABASE_URL"); u != "" {
		return onServer(ctx, u, name)
	}
	if getenv("PORTAL_DEV_DB") != "private" {
		if u, err := onServer(ctx, localAdmin, name); err == nil {
			fmt.Fprintln(out, "using the PostgreSQL server at 127.0.0.1:5432")
			return u, nil
		}
	}
	return startPrivate(ctx, name, dataDir, out)
}

// onServer returns the URL of database name on the server of adminURL.
func onServer(ctx context.Context, adminURL, name string) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, adminURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	return ensureDatabase(ctx, conn, adminURL, name)
}

// ensureDatabase creates database name if missing and returns its URL.
func ensureDatabase(ctx context.Context, conn *pgx.Conn, adminURL, name string) (string, error) {
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
			return "", err
		}
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("connect_timeout")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// startPrivate starts (initialising first if needed) a cluster in dataDir
// that listens only on a Unix socket inside it.
func startPrivate(ctx context.Context, name, dataDir string, out io.Writer) (string, error) {
	bin, err := binDir()
	if err != nil {
		return "", err
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return "", err
	}
	runAs, err := clusterOwner(dir)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		fmt.Fprintln(out, "creating a private PostgreSQL cluster in", dir)
		if err := run(ctx, runAs, filepath.Join(bin, "initdb"), "-D", dir, "--auth=trust", "--no-sync", "-U", "postgres", "-E", "UTF8"); err != nil {
			return "", err
		}
	}
	admin := (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres",
		RawQuery: url.Values{"host": {dir}, "sslmode": {"disable"}}.Encode()}).String()
	if u, err := onServer(ctx, admin, name); err == nil {
		return u, nil
	}
	fmt.Fprintln(out, "starting the private PostgreSQL cluster (stop it with: pg_ctl -D", dir, "stop)")
	if err := run(ctx, runAs, filepath.Join(bin, "pg_ctl"), "-D", dir, "-l", filepath.Join(dir, "server.log"),
		"-o", "-k "+dir+" -c listen_addresses=''", "-w", "start"); err != nil {
		return "", err
	}
	u, err := onServer(ctx, admin, name)
	if err != nil {
		return "", fmt.Errorf("private cluster started but does not answer: %w", err)
	}
	return u, nil
}

// binDir finds the newest installed PostgreSQL server binaries.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if more, _ := filepath.Glob("/opt/homebrew/opt/postgresql@*/bin/initdb"); len(more) > 0 {
		found = append(found, more...)
	}
	if len(found) == 0 {
		return "", ErrNoPostgres
	}
	sort.Strings(found)
	return filepath.Dir(found[len(found)-1]), nil
}

// clusterOwner creates dir and, when we are root, hands it to the postgres
// user and returns that user's name (the binaries refuse to run as root).
func clusterOwner(dir string) (string, error) {
	// The parent must be traversable by the postgres user; the cluster
	// folder itself is private to its owner.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if os.Geteuid() != 0 {
		return "", nil
	}
	pg, err := user.Lookup("postgres")
	if err != nil {
		return "", errors.New("running as root and there is no 'postgres' user to run PostgreSQL as: " + ErrNoPostgres.Error())
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return "", err
	}
	return "postgres", nil
}

func run(ctx context.Context, runAs, name string, args ...string) error {
	if runAs != "" {
		args = append([]string{"-u", runAs, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w\n%s", filepath.Base(name), err, b)
	}
	return nil
}
