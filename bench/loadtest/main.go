// Command loadtest measures the partner's order list (GET /finance/vouchers)
// the way a user meets it: it creates a database, migrates it and loads the
// demo data with the real portal binary, seeds Acme with 100,000 orders,
// starts `portal serve`, signs in as acme-admin and drives the page with 20
// concurrent clients for a fixed time, then prints requests per second and
// the p50/p95/p99 latency. The database is dropped at the end (-keep keeps it).
//
//	go run ./bench/loadtest                          # the defaults below
//	go run ./bench/loadtest -c 20 -d 20s -orders 100000 -wrk
//	go run ./bench/loadtest -orders 1 -codes 1000 -c 1 -d 10s -path /finance/vouchers/1
//	go run ./bench/loadtest -cpuprofile cpu.out      # serve in-process and profile
//
// It prints the CPU time the portal, this database's PostgreSQL backends
// and the load test itself used per request (from /proc, on Linux): on a
// shared machine those figures vary less than requests per second.
//
// The admin database comes from -admin, else TEST_DATABASE_URL, else the
// local server at 127.0.0.1:5432 (as `make test` finds it).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/bench/seed"
	"github.com/ccp-partner/portal/internal/demo"
)

type options struct {
	admin, db, bin, path, user, password string
	orders, codes, clients               int
	duration, warmup                     time.Duration
	keep, wrk                            bool
	cpuprofile                           string
}

func main() {
	var o options
	flag.StringVar(&o.admin, "admin", "", "maintenance database URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres)")
	flag.StringVar(&o.db, "db", "", "use this already seeded database (made with -keep) instead of creating one")
	flag.StringVar(&o.bin, "bin", "", "portal binary (default: go build ./cmd/portal into a temporary directory)")
	flag.StringVar(&o.path, "path", "/finance/vouchers", "page to load")
	flag.StringVar(&o.user, "user", "acme-admin", "partner user to sign in as")
	flag.StringVar(&o.password, "password", demo.Password, "its password")
	flag.IntVar(&o.orders, "orders", 100_000, "orders to seed for Acme")
	flag.IntVar(&o.codes, "codes", 1, "codes per seeded order")
	flag.IntVar(&o.clients, "c", 20, "concurrent clients")
	flag.DurationVar(&o.duration, "d", 20*time.Second, "measured duration")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "unmeasured warm-up before it")
	flag.BoolVar(&o.keep, "keep", false, "keep the database (its URL is printed)")
	flag.BoolVar(&o.wrk, "wrk", false, "also drive the page with wrk (/usr/bin/wrk) after the Go clients")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "serve the portal in this process instead and write a CPU profile of the run here")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	tmp, err := os.MkdirTemp("", "portal-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if o.bin == "" {
		if _, err := os.Stat("cmd/portal"); err != nil {
			return errors.New("run it from the repository's root (go run ./bench/loadtest), or give -bin")
		}
		o.bin = filepath.Join(tmp, "portal")
		if err := command(nil, "go", "build", "-o", o.bin, "./cmd/portal").Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	dbURL := o.db
	if dbURL == "" {
		var drop func()
		if dbURL, drop, err = createDB(ctx, adminURL(o.admin)); err != nil {
			return err
		}
		if o.keep {
			fmt.Println("database:", dbURL)
		} else {
			defer drop()
		}
		if err := prepare(ctx, o, dbURL); err != nil {
			return err
		}
	}
	start := startPortal
	if o.cpuprofile != "" {
		start = func(ctx context.Context, _, dbURL, dir string) (string, func(), error) {
			return startInProcess(ctx, dbURL, dir)
		}
	}
	base, stop, err := start(ctx, o.bin, dbURL, tmp)
	if err != nil {
		return err
	}
	defer stop()
	cookie, err := signIn(base, o.user, o.password)
	if err != nil {
		return err
	}
	if err := checkPage(base+o.path, cookie); err != nil {
		return err
	}
	fmt.Printf("GET %s as %s, %d orders, %d clients, %s (after %s warm-up)\n", o.path, o.user, o.orders, o.clients, o.duration, o.warmup)
	waitProfile := func() {}
	if o.cpuprofile != "" {
		if waitProfile, err = profileWindow(o.cpuprofile, o.warmup, o.duration); err != nil {
			return err
		}
	}
	db := dbName(dbURL)
	cpu := cpuAfter(db, o.warmup)
	res := load(ctx, base+o.path, cookie, o.clients, o.warmup, o.duration)
	res.print("go clients")
	printCPU(<-cpu, cpuTimes(db), o.duration, res.requests)
	waitProfile()
	if o.wrk && ctx.Err() == nil {
		return runWrk(ctx, base+o.path, cookie, o, tmp)
	}
	return ctx.Err()
}

func dbName(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Path, "/")
}

func command(env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	return cmd
}

func adminURL(flagValue string) string {
	for _, u := range []string{flagValue, os.Getenv("TEST_DATABASE_URL")} {
		if u != "" {
			return u
		}
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// createDB creates an empty database next to admin and returns its URL and
// a function that drops it.
func createDB(ctx context.Context, admin string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, fmt.Errorf("connect to %s: %w", admin, err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("loadtest_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, err
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	return u.String(), drop, nil
}

// prepare migrates and loads the demo data with the binary, then seeds.
func prepare(ctx context.Context, o options, dbURL string) error {
	env := []string{"DATABASE_URL=" + dbURL}
	for _, args := range [][]string{{"migrate", "up"}, {"demo"}} {
		cmd := command(env, o.bin, args...)
		cmd.Stdout = io.Discard
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("portal %s: %w", strings.Join(args, " "), err)
		}
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	start := time.Now()
	if err := seed.Orders(ctx, conn, seed.Acme, "loadtest", o.orders, o.codes); err != nil {
		return err
	}
	fmt.Printf("seeded %d orders of %d code(s) in %s\n", o.orders, o.codes, time.Since(start).Round(time.Millisecond))
	return nil
}

// startPortal runs `portal serve` on a free local port (its logs go to
// dir/portal.log) and waits until it is ready.
func startPortal(ctx context.Context, bin, dbURL, dir string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logFile, err := os.Create(filepath.Join(dir, "portal.log"))
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PORTAL_ADDR="+addr, "PORTAL_MAIL_DIR="+filepath.Join(dir, "mail"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		logFile.Close()
	}
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base, stop, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return "", nil, errors.New("the portal did not become ready in 30 s (see its log)")
}

// signIn posts the sign-in form and returns the session cookie.
func signIn(base, user, password string) (*http.Cookie, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}})
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "portal_session" && c.Value != "" {
			return c, nil
		}
	}
	return nil, fmt.Errorf("sign-in as %s: status %d and no session cookie", user, res.StatusCode)
}

// checkPage fails unless the page answers 200, and says how big it is.
func checkPage(u string, cookie *http.Cookie) error {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.AddCookie(cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	rows := strings.Count(string(body), "<tr data-order=")
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", u, res.StatusCode)
	}
	fmt.Printf("page: %d bytes, %d order rows\n", len(body), rows)
	return nil
}
