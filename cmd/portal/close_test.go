package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

// TestCloseCommandRunTwiceWritesNothingTheSecondTime: the demo has closed
// months; closing one of them again from the shell says so per partner and
// changes no row, document or email.
func TestCloseCommandRunTwiceWritesNothingTheSecondTime(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"DATABASE_URL": postgrestest.NewDB(t)}
	var out bytes.Buffer
	if err := run(ctx, []string{"demo"}, envOf(env), &out, &out); err != nil {
		t.Fatal(err)
	}
	pool, err := postgres.Connect(ctx, env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var month string
	if err := pool.QueryRow(ctx, `SELECT to_char(min(month), 'YYYY-MM') FROM invoices`).Scan(&month); err != nil {
		t.Fatal(err)
	}
	books := func() string {
		var s string
		if err := pool.QueryRow(ctx, `SELECT concat_ws(' ', (SELECT count(*) FROM invoices), (SELECT count(*) FROM ledger_entries),
			(SELECT count(*) FROM mail_outbox), (SELECT string_agg(encode(sha256, 'hex'), ',' ORDER BY id) FROM documents),
			(SELECT string_agg(series || last, ',' ORDER BY series) FROM document_numbers))`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := books()
	for range 2 {
		out.Reset()
		if err := run(ctx, []string{"close", "-month", month}, envOf(env), &out, &out); err != nil {
			t.Fatalf("close -month %s: %v\n%s", month, err, out.String())
		}
		if !strings.Contains(out.String(), "partner 1 Acme Corporation: already closed, nothing changed") ||
			!strings.Contains(out.String(), "2 partners: 0 closed now, 2 already closed, 0 failed") {
			t.Errorf("close -month %s printed:\n%s", month, out.String())
		}
	}
	if after := books(); after != before {
		t.Errorf("closing a closed month wrote: %s → %s", before, after)
	}
	out.Reset()
	if err := run(ctx, []string{"close"}, envOf(env), &out, &out); err != nil || out.String() != "no month is due\n" {
		t.Errorf("close with nothing due: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"close", "-month", "2026/10"}, envOf(env), &out, &out); err == nil {
		t.Error("a malformed month was accepted")
	}
}
