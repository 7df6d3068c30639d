package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/app"
	"github.com/ccp-partner/portal/internal/config"
)

// startInProcess serves the portal from this process (to profile it) on a
// free local port, with the configuration `portal serve` would read.
func startInProcess(ctx context.Context, dbURL, dir string) (string, func(), error) {
	env := map[string]string{"DATABASE_URL": dbURL, "PORTAL_MAIL_DIR": filepath.Join(dir, "mail")}
	cfg, err := config.Load(func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	})
	if err != nil {
		return "", nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "portal.log"))
	if err != nil {
		return "", nil, err
	}
	a, err := app.New(ctx, cfg, slog.New(slog.NewJSONHandler(logFile, nil)))
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = a.Serve(ctx, ln); close(done) }()
	return "http://" + ln.Addr().String(), func() { cancel(); <-done; a.Close(); logFile.Close() }, nil
}

// profileWindow starts a CPU profile into file after warmup and stops it d later.
func profileWindow(file string, warmup, d time.Duration) (wait func(), err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		time.Sleep(warmup)
		if err := pprof.StartCPUProfile(f); err == nil {
			time.Sleep(d)
			pprof.StopCPUProfile()
		}
		f.Close()
		close(done)
	}()
	return func() { <-done }, nil
}

// cpuTimes is the CPU time (user + system) used so far by the processes
// named portal and loadtest (this one), and by the PostgreSQL backends
// serving database db, read from /proc.
func cpuTimes(db string) map[string]time.Duration {
	out := map[string]time.Duration{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open {
			continue
		}
		name := s[open+1 : close]
		if strings.HasPrefix(name, "portal") { // the binary may be named portal-before and the like
			name = "portal"
		}
		if name == "postgres" {
			cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if !strings.Contains(string(cmdline), " "+db+" ") {
				continue
			}
		} else if name != "portal" && name != "loadtest" {
			continue
		}
		f := strings.Fields(s[close+2:])
		if len(f) < 13 {
			continue
		}
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		out[name] += time.Duration(utime+stime) * 10 * time.Millisecond // USER_HZ = 100
	}
	return out
}

// printCPU prints the CPU each process family used between before and
// after, in cores and per request.
func printCPU(before, after map[string]time.Duration, d time.Duration, requests int) {
	var parts []string
	for _, name := range []string{"portal", "postgres", "loadtest"} {
		used := after[name] - before[name]
		parts = append(parts, fmt.Sprintf("%s %.2f cores (%.2f ms/request)", name, used.Seconds()/d.Seconds(),
			float64(used.Microseconds())/1000/float64(max(1, requests))))
	}
	fmt.Println("cpu during the run:", strings.Join(parts, ", "))
}

// cpuAfter reads cpuTimes once warmup has passed.
func cpuAfter(db string, warmup time.Duration) <-chan map[string]time.Duration {
	c := make(chan map[string]time.Duration, 1)
	go func() { time.Sleep(warmup); c <- cpuTimes(db) }()
	return c
}
