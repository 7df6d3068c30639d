package postgres

import (
	"context"
	"fmt"
)

// CheckReady returns nil when the database answers and its schema is at the
// binary's latest migration, not dirty; otherwise an error saying why.
func CheckReady(ctx context.Context, q Querier) error {
	var version int64
	var dirty bool
	err := q.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&version, &dirty)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	latest, err := LatestVersion()
	if err != nil {
		return err
	}
	if dirty || uint(version) != latest {
		return fmt.Errorf("schema at version %d (dirty=%v), binary expects %d", version, dirty, latest)
	}
	return nil
}
