package postgres

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // pgx5:// driver
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/ccp-partner/portal/migrations"
)

// Migrator applies the embedded migrations to one database.
type Migrator struct{ m *migrate.Migrate }

// NewMigrator opens a migrator for the database at url (postgres:// or
// postgresql:// URLs are accepted and switched to the pgx5 driver).
func NewMigrator(url string) (*Migrator, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, pgx5URL(url))
	if err != nil {
		return nil, fmt.Errorf("open migrator: %w", err)
	}
	return &Migrator{m: m}, nil
}

// Up applies every pending migration; nothing pending is success.
func (mg *Migrator) Up() error { return ignoreNoChange(mg.m.Up()) }

// Down reverts every migration.
func (mg *Migrator) Down() error { return ignoreNoChange(mg.m.Down()) }

// Steps applies n migrations (negative: reverts).
func (mg *Migrator) Steps(n int) error { return ignoreNoChange(mg.m.Steps(n)) }

// Version returns the applied version (0 when none) and whether it is dirty.
func (mg *Migrator) Version() (uint, bool, error) {
	v, dirty, err := mg.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	return v, dirty, err
}

// Close releases the migrator's connection.
func (mg *Migrator) Close() error {
	srcErr, dbErr := mg.m.Close()
	return errors.Join(srcErr, dbErr)
}

// LatestVersion is the highest migration version embedded in the binary.
func LatestVersion() (uint, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return 0, err
	}
	var latest uint
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok {
			continue
		}
		if v, err := strconv.ParseUint(num, 10, 64); err == nil && uint(v) > latest {
			latest = uint(v)
		}
	}
	return latest, nil
}

func ignoreNoChange(err error) error {
	if errors.Is(err, migrate.ErrNoChange) {
		return nil
	}
	return err
}

func pgx5URL(url string) string {
	for _, p := range []string{"postgresql://", "postgres://"} {
		if strings.HasPrefix(url, p) {
			return "pgx5://" + strings.TrimPrefix(url, p)
		}
	}
	return url
}
