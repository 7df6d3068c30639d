package postgrestest

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/postgres"
)

// notFingerprinted are the tables that a refused request may change:
// sessions (their last-seen time) and the sign-in throttle's bookkeeping.
var notFingerprinted = []string{"schema_migrations", "sessions", "login_failures", "login_locks"}

// fingerprintedColumns narrows tables that change on their own: the mail
// worker records its delivery attempts on the outbox, so only what a
// request writes counts there.
var fingerprintedColumns = map[string]string{"mail_outbox": "t.id, t.created_at, t.to_addrs, t.subject, t.body_text"}

// Fingerprint summarises the content of every table in the schema (read from
// the catalogue, so that new tables are covered), so that a test can check
// that a refused action wrote nothing.
func Fingerprint(t testing.TB, q postgres.Querier) string {
	t.Helper()
	ctx := context.Background()
	rows, err := q.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT tablename = ANY ($1) ORDER BY 1`,
		notFingerprinted)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	sums := make([]string, len(tables))
	for i, table := range tables {
		row := "t::text"
		if cols, ok := fingerprintedColumns[table]; ok {
			row = "(" + cols + ")::text"
		}
		sums[i] = `SELECT ` + quoteLiteral(table) + ` || '=' || coalesce(md5(string_agg(` + row + `, '|' ORDER BY ` + row + `)), '') FROM ` +
			pgx.Identifier{table}.Sanitize() + ` t`
	}
	var fp string
	if err := q.QueryRow(ctx, `SELECT string_agg(s, ' ') FROM (`+strings.Join(sums, " UNION ALL ")+`) x(s)`).Scan(&fp); err != nil {
		t.Fatal(err)
	}
	return fp
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
