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

// Find returns a URL of a development database, creating the database (and
// a private cluster) when needed. dataDir holds the private cluster; mode
// "private" skips the local server. Progress is written to out.
func Find(ctx context.Context, getenv func(string) string, dataDir string, out io.Writer) (string, error) {
	if u := getenv("DATABASE_URL"); u != "" {
		return u, nil
	}
	if getenv("PORTAL_DEV_DB") != "private" {
		if conn, err := pgx.Connect(ctx, localAdmin); err == nil {
			defer conn.Close(ctx)
			fmt.Fprintln(out, "using the PostgreSQL server at 127.0.0.1:5432")
			return ensureDatabase(ctx, conn, localAdmin)
		}
	}
	return startPrivate(ctx, dataDir, out)
}

// ensureDatabase creates the portal database if missing and returns its URL.
func ensureDatabase(ctx context.Context, conn *pgx.Conn, adminURL string) (string, error) {
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, Database).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+Database); err != nil {
			return "", err
		}
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + Database
	q := u.Query()
	q.Del("connect_timeout")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// startPrivate starts (initialising first if needed) a cluster in dataDir
// that listens only on a Unix socket inside it.
func startPrivate(ctx context.Context, dataDir string, out io.Writer) (string, error) {
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
	if conn, err := pgx.Connect(ctx, admin); err == nil {
		defer conn.Close(ctx)
		return ensureDatabase(ctx, conn, admin)
	}
	fmt.Fprintln(out, "starting the private PostgreSQL cluster (stop it with: pg_ctl -D", dir, "stop)")
	if err := run(ctx, runAs, filepath.Join(bin, "pg_ctl"), "-D", dir, "-l", filepath.Join(dir, "server.log"),
		"-o", "-k "+dir+" -c listen_addresses=''", "-w", "start"); err != nil {
		return "", err
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, admin)
	if err != nil {
		return "", fmt.Errorf("private cluster started but does not answer: %w", err)
	}
	defer conn.Close(ctx)
	return ensureDatabase(ctx, conn, admin)
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
