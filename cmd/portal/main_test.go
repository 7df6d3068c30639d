package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

// envOf is the environment m; the issuing CA, unless m names one, is a
// development CA shared by the tests (created once, outside the source tree).
func envOf(m map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := m[k]; ok || k != "PORTAL_CA_FILE" {
			return v
		}
		return filepath.Join(os.TempDir(), "portal-cmd-test-ca", "ca.pem")
	}
}

func TestMigrateDemoAndClockCommands(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"DATABASE_URL": postgrestest.NewDB(t)}
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "version"}, envOf(env), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "dirty: false") {
		t.Errorf("migrate version: %s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"demo"}, envOf(env), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\ndemo password: ccp-demo-2026\n") {
		t.Errorf("demo output lacks the password line:\n%s", out.String())
	}
	// Twice: the demo data is already there, which is fine (docker compose
	// runs `portal demo` at every start).
	out.Reset()
	if err := run(ctx, []string{"demo"}, envOf(env), &out, &out); err != nil {
		t.Errorf("demo into a database with the demo data: %v", err)
	}
	if out.String() != "demo data is already there: nothing loaded\n" {
		t.Errorf("demo twice printed %q", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"clock", "set", "2027-01-01 00:00"}, envOf(env), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "business time: 2027-01-01T00:00") {
		t.Errorf("clock set: %s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"clock", "advance", "1d"}, envOf(env), &out, &out); err != nil || !strings.Contains(out.String(), "2027-01-02T00:00") {
		t.Errorf("clock advance: %v %s", err, out.String())
	}
}

func TestDemoRefusesADatabaseWithOtherUsers(t *testing.T) {
	ctx := context.Background()
	dbURL := postgrestest.NewDB(t)
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO users (username, email, display_name, password_hash, language, roles, created_at)
		VALUES ('someone', 'someone@example.com', 'Someone', 'x', 'en', '{op_admin}', now())`); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = run(ctx, []string{"demo"}, envOf(map[string]string{"DATABASE_URL": dbURL}), &out, &out)
	if !errors.Is(err, demo.ErrNotEmpty) || errors.Is(err, demo.ErrAlreadyLoaded) {
		t.Errorf("demo into a database with other users: %v", err)
	}
	var users int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil || users != 1 {
		t.Errorf("%d users (%v): the refused demo wrote something", users, err)
	}
}

func TestProductionRefusesDemoDataAndTheTestClock(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"DATABASE_URL": postgrestest.NewDB(t), "PORTAL_ENV": "production"}
	var out bytes.Buffer
	for _, args := range [][]string{{"demo"}, {"clock", "advance", "1h"}} {
		if err := run(ctx, args, envOf(env), &out, &out); err == nil || !strings.Contains(err.Error(), "production") {
			t.Errorf("%v in production: %v", args, err)
		}
	}
}

func TestUnknownCommandShowsUsage(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, envOf(nil), &out, &out); err == nil || !strings.Contains(out.String(), "usage: portal") {
		t.Errorf("err %v, output %q", err, out.String())
	}
}

// TestServeStopsGracefully starts `portal serve`, cancels it while a
// request is in flight and checks that the request is answered and the
// server then stops.
func TestServeStopsGracefully(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := map[string]string{"DATABASE_URL": postgrestest.NewDB(t), "PORTAL_ADDR": addr, "PORTAL_MAIL_DIR": t.TempDir(), "PORTAL_CA_FILE": filepath.Join(t.TempDir(), "ca.pem")}
	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, envOf(env), &bytes.Buffer{}, &logs) }()

	url := "http://" + addr + "/readyz"
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never answered: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The container health check asks the same server.
	var hc bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck"}, envOf(map[string]string{"PORTAL_ADDR": addr}), &hc, &hc); err != nil {
		t.Errorf("healthcheck of the running portal: %v", err)
	}
	// A request in flight when the signal comes is still answered.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const body = "login=nobody"
	if _, err := conn.Write([]byte("POST /password/forgot HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n" +
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n\r\n" + body[:5])); err != nil {
		t.Fatal(err)
	}
	// Steps are ordered by what the server reports, not by sleeping: the
	// request is in a handler (the in-flight gauge), then the signal comes,
	// then the listener is closed, and only then does the body arrive.
	waitFor(t, "the request to reach a handler", func() bool {
		return strings.Contains(get(t, "http://"+addr+"/metrics"), "\nportal_http_requests_in_flight 1\n")
	})
	cancel()
	waitFor(t, "the listener to close", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if _, err := conn.Write([]byte(body[5:])); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("in-flight request: %v %v", res, err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := http.Get(url); err == nil {
		t.Error("still answering after shutdown")
	}
	if err := run(context.Background(), []string{"healthcheck"}, envOf(map[string]string{"PORTAL_ADDR": addr}), &hc, &hc); err == nil {
		t.Error("healthcheck succeeds after shutdown")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("no stop log line in:\n%s", logs.String())
	}
}

// TestServeReturnsNilWhenCancelledBeforeItListens: a SIGINT or SIGTERM
// while the portal starts is a clean stop too (exit status 0), for serve
// and for dev (make run).
func TestServeReturnsNilWhenCancelledBeforeItListens(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	env := map[string]string{"DATABASE_URL": postgrestest.NewDB(t), "PORTAL_ADDR": "127.0.0.1:0", "PORTAL_MAIL_DIR": t.TempDir(), "PORTAL_CA_FILE": filepath.Join(t.TempDir(), "ca.pem")}
	for _, cmd := range []string{"serve", "dev"} {
		if err := run(ctx, []string{cmd}, envOf(env), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
			t.Errorf("%s with a cancelled context: %v", cmd, err)
		}
	}
}

func TestStoppedCleanlyOnlyForgivesCancellation(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	other := errors.New("boom")
	for _, c := range []struct {
		ctx  context.Context
		err  error
		want error
	}{
		{cancelled, fmt.Errorf("open pool: %w", context.Canceled), nil},
		{cancelled, nil, nil},
		{cancelled, other, other}, // a real failure during shutdown
		{context.Background(), context.Canceled, context.Canceled}, // not asked to stop
	} {
		if got := stoppedCleanly(c.ctx, c.err); got != c.want {
			t.Errorf("stoppedCleanly(%v, %v) = %v, want %v", c.ctx.Err(), c.err, got, c.want)
		}
	}
}

func TestHealthcheck(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	env := envOf(map[string]string{"PORTAL_ADDR": ":" + port})
	var out bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck"}, env, &out, &out); err != nil {
		t.Errorf("200: %v", err)
	}
	status = http.StatusServiceUnavailable
	if err := run(context.Background(), []string{"healthcheck"}, env, &out, &out); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("503: %v", err)
	}
	srv.Close()
	if err := run(context.Background(), []string{"healthcheck"}, env, &out, &out); err == nil {
		t.Error("nothing listening: no error")
	}
}

func TestHealthcheckTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // accepts connections, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	start := time.Now()
	err = run(context.Background(), []string{"healthcheck"}, envOf(map[string]string{"PORTAL_ADDR": ln.Addr().String()}), &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || time.Since(start) > healthcheckTimeout+2*time.Second {
		t.Errorf("err %v after %s", err, time.Since(start))
	}
}

func TestReadyURL(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":          "http://127.0.0.1:8080/readyz",
		"0.0.0.0:8080":   "http://127.0.0.1:8080/readyz",
		"[::]:8080":      "http://127.0.0.1:8080/readyz",
		"127.0.0.1:9000": "http://127.0.0.1:9000/readyz",
		"[::1]:9000":     "http://[::1]:9000/readyz",
	} {
		if got, err := readyURL(addr); err != nil || got != want {
			t.Errorf("readyURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
	if _, err := readyURL("8080"); err == nil {
		t.Error("readyURL(\"8080\"): no error")
	}
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// get returns the body at url ("" when it cannot be fetched).
func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
