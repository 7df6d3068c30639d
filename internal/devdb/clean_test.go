package devdb

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

func TestLeftoverNamesWhatDevelopmentAndTestsCreate(t *testing.T) {
	for name, want := range map[string]bool{
		"portal":                      true,
		"portal_ci_migrations":        true,
		"tmpl_745b264cdb18cbe0":       true,
		"tmpl_745b264cdb18cbe0_build": true,
		"t_a04fe84c06803cee":          true,
		"postgres":                    false,
		"template1":                   false,
		"test":                        false,
		"portal2":                     false,
		"t_a04fe84c06803ce":           false,
		"my_tmpl_745b264cdb18cbe0":    false,
	} {
		if got := Leftover.MatchString(name); got != want {
			t.Errorf("Leftover(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestCleanServerDropsWhatMatchesAndKeepsWhatIsInUse works on databases of
// its own (a pattern only they match), never on other tests' databases.
func TestCleanServerDropsWhatMatchesAndKeepsWhatIsInUse(t *testing.T) {
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "devdbclean_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, postgrestest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	idle, busy := prefix+"_idle", prefix+"_busy"
	for _, name := range []string{idle, busy} {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	}
	u, err := url.Parse(postgrestest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + busy
	user, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer user.Close(ctx)

	match := regexp.MustCompile("^" + prefix + "_[a-z]+$")
	var out bytes.Buffer
	if err := cleanServer(ctx, postgrestest.AdminURL(), "test server", false, match, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "dropped "+idle+"\n") || !strings.Contains(out.String(), "kept "+busy+": in use") {
		t.Errorf("output:\n%s", out.String())
	}
	if got := databases(t, admin, prefix); len(got) != 1 || got[0] != busy {
		t.Errorf("left: %v, want only %s", got, busy)
	}

	user.Close(ctx)
	out.Reset()
	if err := cleanServer(ctx, postgrestest.AdminURL(), "test server", false, match, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "dropped "+busy+"\n") {
		t.Errorf("second run:\n%s", out.String())
	}
	out.Reset()
	if err := cleanServer(ctx, postgrestest.AdminURL(), "test server", false, match, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no portal or test databases to drop") {
		t.Errorf("third run:\n%s", out.String())
	}
}

func databases(t *testing.T, conn *pgx.Conn, prefix string) []string {
	rows, err := conn.Query(context.Background(), `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1`, prefix)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestCleanDeletesAStoppedPrivateClusterAndNeedsNoServer(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), ".data", "postgres")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, "PG_VERSION"), []byte("15\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PORTAL_DEV_DB": "private"} // no server is looked at
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if err := Clean(context.Background(), getenv, dataDir, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(dataDir)); !os.IsNotExist(err) {
		t.Errorf(".data still there: %v", err)
	}
	if !strings.Contains(out.String(), "deleted the private cluster in "+dataDir) {
		t.Errorf("output:\n%s", out.String())
	}
	out.Reset()
	if err := Clean(context.Background(), getenv, dataDir, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "no private cluster in "+dataDir+"\n" {
		t.Errorf("second run:\n%s", out.String())
	}
}

func TestCleanIsRefusedInProduction(t *testing.T) {
	env := map[string]string{"PORTAL_ENV": "production"}
	err := Clean(context.Background(), func(k string) string { return env[k] }, t.TempDir(), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "production") {
		t.Errorf("err %v", err)
	}
}
