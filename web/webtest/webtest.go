// Package webtest starts the whole portal against a fresh test database
// with the demo data, and drives it over HTTP like a browser would:
// sessions in a cookie jar, forms posted, HTML parsed with goquery.
package webtest

import (
	"path/filepath"
	"time"

	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/internal/app"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/ca"
	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/config"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

// Env is a running portal for one test.
type Env struct {
	URL string
	App *app.App
}

var (
	demoHashOnce sync.Once
	demoHash     string
)

// DemoPasswordHash is the argon2id hash of the demo password, computed once
// per test binary.
func DemoPasswordHash(t testing.TB) string {
	demoHashOnce.Do(func() {
		h, err := auth.HashPassword(demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		demoHash = h
	})
	return demoHash
}

// Start runs the portal on 127.0.0.1 with a fresh database holding the demo
// data; it stops when the test ends. extraEnv overrides configuration.
func Start(t testing.TB, extraEnv ...string) *Env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	env := map[string]string{"DATABASE_URL": postgrestest.NewDB(t), "PORTAL_BASE_URL": base, "PORTAL_MAIL_DIR": t.TempDir(),
		"PORTAL_CA_FILE": filepath.Join(t.TempDir(), "ca.pem")}
	for _, kv := range extraEnv {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	// The CA exists before the portal starts, as production requires.
	if _, err := ca.Open(cfg.CAFile, true, time.Now().AddDate(-2, 0, 0), base+certificate.CRLPath); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, cfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, a.Pool, a.Clock.Now(), DemoPasswordHash(t)); err != nil {
		t.Fatal(err)
	}
	// Tests that move the clock past the 1st close months when they ask
	// (a.Billing.CloseDue), not whenever the background close wakes up.
	a.CloseInterval = 24 * time.Hour
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return &Env{URL: base, App: a}
}

func testLogger() *slog.Logger {
	if os.Getenv("PORTAL_TEST_LOG") != "" {
		return slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewJSONHandler(io.Discard, nil))
}

// Client is one browser: its own cookie jar; redirects are not followed, so
// that tests see them.
type Client struct {
	t    testing.TB
	env  *Env
	HTTP *http.Client
}

// Client returns a new anonymous browser.
func (e *Env) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, env: e, HTTP: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Login signs in as username with password (the demo password when empty)
// and fails the test unless it succeeds.
func (e *Env) Login(t testing.TB, username string, password ...string) *Client {
	t.Helper()
	c := e.Client(t)
	pw := demo.Password
	if len(password) > 0 {
		pw = password[0]
	}
	res := c.PostForm("/login", url.Values{"username": {username}, "password": {pw}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d: %s", username, res.Status, res.Doc.Find(".form-error").Text())
	}
	return c
}

// Response is a fetched page.
type Response struct {
	Status   int
	Header   http.Header
	Body     string
	Doc      *goquery.Document
	Location string
}

// Get fetches path.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.env.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.Do(req)
}

// PostForm posts form to path as a same-origin browser form would.
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.env.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.env.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

// Do sends req with the client's cookies.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		c.t.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: string(b), Doc: doc, Location: res.Header.Get("Location")}
}

// Cookie returns the value of the named cookie the client holds for the portal.
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.env.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// Outbox returns the messages written to the outbox, oldest first.
func (e *Env) Outbox(t testing.TB) []mail.Message {
	t.Helper()
	msgs, err := mail.List(context.Background(), e.App.Pool)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}
