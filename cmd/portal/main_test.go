package main

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

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
	if err := run(ctx, []string{"demo"}, envOf(env), &out, &out); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("demo into a non-empty database: %v", err)
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
	env := map[string]string{"DATABASE_URL": postgrestest.NewDB(t), "PORTAL_ADDR": addr, "PORTAL_MAIL_DIR": t.TempDir()}
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
	time.Sleep(100 * time.Millisecond)
	cancel()
	time.Sleep(200 * time.Millisecond)
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
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("no stop log line in:\n%s", logs.String())
	}
}
