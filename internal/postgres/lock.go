package postgres

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5/pgxpool"
)

// LockKey returns the advisory-lock key of a named job ("monthly-close"),
// so that every process derives the same key from the same name.
func LockKey(name string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return int64(h.Sum64())
}

// WithTryLock runs fn while this process holds the session advisory lock
// key, so that of several processes sharing the database exactly one runs
// the job. When another session holds the lock it returns ran=false at
// once, without running fn. The lock is taken and released on one acquired
// connection; if the release fails the connection is closed, which ends
// the session and so releases the lock too.
func WithTryLock(ctx context.Context, pool *pgxpool.Pool, key int64, fn func(ctx context.Context) error) (ran bool, err error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("acquire for lock: %w", err)
	}
	defer conn.Release()
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
		return false, fmt.Errorf("try lock: %w", err)
	}
	if !got {
		return false, nil
	}
	defer func() {
		var released bool
		uerr := conn.QueryRow(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key).Scan(&released)
		if uerr != nil || !released {
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	return true, fn(ctx)
}
