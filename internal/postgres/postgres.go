// Package postgres holds the connection pool, the Querier that domain stores
// accept (a pool or a transaction), the transaction closure, and the
// embedded migrations.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Querier is what a store needs to run SQL: satisfied by *pgxpool.Pool and
// pgx.Tx, so that one store method serves inside and outside a transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// Beginner starts transactions; *pgxpool.Pool and pgx.Tx (savepoints) both do.
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// DB is a pool (or a transaction) that runs SQL and starts transactions.
type DB interface {
	Querier
	Beginner
}

// Connect opens a pool and checks that the database answers.
func Connect(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database does not answer: %w", err)
	}
	return pool, nil
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled
// back otherwise (and on panic). It returns fn's error or the commit's.
func InTx(ctx context.Context, db Beginner, fn func(q Querier) error) (err error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback(ctx)
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback(ctx)
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// IsUniqueViolation reports whether err is PostgreSQL's unique_violation,
// optionally on the named constraint or index.
func IsUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		return false
	}
	return constraint == "" || pgErr.ConstraintName == constraint
}

// Bind returns q as a DB, so that a store can run its reads inside the
// caller's transaction (q is a pgx.Tx or a pool, both of which are DBs).
// Reads inside a transaction must go through it: a second pool connection
// per transaction deadlocks once every connection waits on a row lock.
func Bind(q Querier) DB {
	db, ok := q.(DB)
	if !ok {
		panic("postgres: Bind needs a pool or a transaction")
	}
	return db
}

// NullID passes an id of 0 as SQL NULL.
func NullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// NullAddr passes an invalid (unknown) address as SQL NULL.
func NullAddr(ip netip.Addr) *netip.Addr {
	if !ip.IsValid() {
		return nil
	}
	return &ip
}

// NullTime passes a zero time as SQL NULL.
func NullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
