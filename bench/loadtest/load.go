package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// result is what one load run measured.
type result struct {
	requests, errors int
	bytes            int64
	elapsed          time.Duration
	latencies        []time.Duration
}

// load sends GET u with cookie from clients goroutines, each waiting for
// its answer before the next request (a closed loop, like wrk), for warmup
// and then for d, and returns what it measured during d.
func load(ctx context.Context, u string, cookie *http.Cookie, clients int, warmup, d time.Duration) result {
	transport := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	client := &http.Client{Transport: transport}
	defer transport.CloseIdleConnections()
	start := time.Now().Add(warmup)
	end := start.Add(d)
	parts := make([]result, clients)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() { parts[i] = client1(ctx, client, u, cookie, start, end) })
	}
	wg.Wait()
	total := result{elapsed: d}
	for _, p := range parts {
		total.requests += p.requests
		total.errors += p.errors
		total.bytes += p.bytes
		total.latencies = append(total.latencies, p.latencies...)
	}
	return total
}

func client1(ctx context.Context, client *http.Client, u string, cookie *http.Cookie, start, end time.Time) result {
	var r result
	for {
		t0 := time.Now()
		if t0.After(end) || ctx.Err() != nil {
			return r
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.AddCookie(cookie)
		res, err := client.Do(req)
		var n int64
		if err == nil {
			n, err = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if err == nil && res.StatusCode != http.StatusOK {
				err = fmt.Errorf("status %d", res.StatusCode)
			}
		}
		t1 := time.Now()
		if t0.Before(start) || t1.After(end) {
			continue // warm-up, or finished after the measured window
		}
		r.requests++
		r.bytes += n
		if err != nil {
			r.errors++
			continue
		}
		r.latencies = append(r.latencies, t1.Sub(t0))
	}
}

func (r result) print(label string) {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(float64(len(r.latencies))*p))]
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	fmt.Printf("%s: %d requests in %s, %d errors: %.0f req/s, p50 %s, p95 %s, p99 %s, max %s, %.0f KB/response\n",
		label, r.requests, r.elapsed, r.errors, float64(r.requests)/r.elapsed.Seconds(),
		ms(pct(0.50)), ms(pct(0.95)), ms(pct(0.99)), ms(pct(1)), float64(r.bytes)/float64(max(1, r.requests))/1000)
}

// wrkScript makes wrk print the same percentiles as the Go clients.
const wrkScript = `
done = function(summary, latency, requests)
  io.write(string.format("wrk: %d requests in %.1f s, %d errors: %.0f req/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
`

// runWrk drives the page with wrk (2 threads, the same clients and
// duration), if wrk is installed.
func runWrk(ctx context.Context, u string, cookie *http.Cookie, o options, dir string) error {
	bin, err := exec.LookPath("wrk")
	if err != nil {
		fmt.Println("wrk: not installed, skipped")
		return nil
	}
	script := filepath.Join(dir, "report.lua")
	if err := os.WriteFile(script, []byte(wrkScript), 0o600); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, "-t2", fmt.Sprint("-c", o.clients), fmt.Sprint("-d", int(o.duration.Seconds()), "s"),
		"-s", script, "-H", "Cookie: "+cookie.Name+"="+cookie.Value, u)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("wrk: %w: %s", err, out)
	}
	for _, line := range splitLines(string(out)) {
		if len(line) > 4 && line[:4] == "wrk:" {
			fmt.Println(line)
		}
	}
	return nil
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
