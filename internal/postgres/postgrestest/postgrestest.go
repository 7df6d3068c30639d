// Package postgrestest gives each test a fresh database cloned from a
// migrated template, on the PostgreSQL named by TEST_DATABASE_URL (default:
// the local server at 127.0.0.1:5432 as user postgres).
package postgrestest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/migrations"
)

const defaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// AdminURL is the maintenance database URL that tests create databases from.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return defaultAdminURL
}

// NewDB creates a database for this test from the migrated template and
// returns its URL; the database is dropped when the test ends.
func NewDB(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("postgrestest: connect to %s: %v (is PostgreSQL running?)", AdminURL(), err)
	}
	defer admin.Close(ctx)
	tmpl, err := ensureTemplate(ctx, admin)
	if err != nil {
		t.Fatalf("postgrestest: template: %v", err)
	}
	name := "t_" + randomHex(8)
	if err := createFromTemplate(ctx, admin, name, tmpl); err != nil {
		t.Fatalf("postgrestest: create %s: %v", name, err)
	}
	t.Cleanup(func() { dropDB(name) })
	return withDatabase(AdminURL(), name)
}

// NewPool returns a pool on a fresh test database, closed when the test ends.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := postgres.Connect(context.Background(), NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// ensureTemplate creates and migrates the template database named after a
// hash of the migrations, once across concurrently running test binaries.
func ensureTemplate(ctx context.Context, admin *pgx.Conn) (string, error) {
	name := "tmpl_" + migrationsHash()
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(727274)`); err != nil {
		return "", err
	}
	defer admin.Exec(ctx, `SELECT pg_advisory_unlock(727274)`) //nolint:errcheck
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	if _, err := admin.Exec(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+building); err != nil {
		return "", err
	}
	if err := migrateUp(withDatabase(AdminURL(), building)); err != nil {
		return "", err
	}
	_, err := admin.Exec(ctx, `ALTER DATABASE `+building+` RENAME TO `+name)
	return name, err
}

func migrateUp(url string) error {
	m, err := postgres.NewMigrator(url)
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up()
}

// createFromTemplate retries while another session briefly holds the template.
func createFromTemplate(ctx context.Context, admin *pgx.Conn, name, tmpl string) error {
	var err error
	for range 50 {
		_, err = admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tmpl))
		if err == nil || !strings.Contains(err.Error(), "being accessed by other users") {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
	return err
}

func dropDB(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return
	}
	defer admin.Close(ctx)
	_, _ = admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
}

func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
