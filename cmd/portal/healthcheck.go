package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/ccp-partner/portal/internal/config"
)

// healthcheckTimeout bounds the whole check, connection included.
const healthcheckTimeout = 3 * time.Second

// healthcheck asks the portal listening on PORTAL_ADDR on this machine
// whether it is ready (GET /readyz: the database answers at the binary's
// migration version). It is the container's health check, since the image
// has no curl. It returns an error unless the answer is 200.
func healthcheck(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	// Only the address matters here, and Load fills it in (default :8080)
	// even when another variable is invalid.
	cfg, _ := config.Load(getenv)
	u, err := readyURL(cfg.Addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<10))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", u, res.Status)
	}
	fmt.Fprintf(stdout, "ready: %s answered %s\n", u, res.Status)
	return nil
}

// readyURL is the /readyz URL of a portal listening on addr on this
// machine: an address without a host (":8080") or with a wildcard one is
// reached on 127.0.0.1.
func readyURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("healthcheck: PORTAL_ADDR %q: %w", addr, err)
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}
