// Package metrics is the portal's Prometheus instrumentation: HTTP requests
// by route pattern, the database pool, the mail outbox, the Go runtime and
// the process, and the business counters (monthly close runs, documents
// issued). Everything is registered on a registry of its own, built by New;
// nothing is global. Domain packages never import Prometheus: they declare a
// small interface of their own (for example
// `interface{ DocumentIssued(kind string) }`) and receive the *Metrics at
// wiring time. Every method is safe on a nil *Metrics, which records nothing.
package metrics

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every portal metric.
const namespace = "portal"

// Options is what New builds the metrics from.
type Options struct {
	// Pool gives the pool statistics and answers the outbox query at scrape
	// time; nil leaves both out.
	Pool *pgxpool.Pool
	// Now is the business clock the outbox age is measured against (outbox
	// rows carry business time); nil means time.Now.
	Now func() time.Time
	// Log receives scrape errors; nil discards them.
	Log *slog.Logger
	// OutboxTimeout bounds the outbox query; 0 means one second.
	OutboxTimeout time.Duration
}

// Metrics owns the portal's registry and its metrics.
type Metrics struct {
	reg     *prometheus.Registry
	handler http.Handler

	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	inFlight  prometheus.Gauge
	closeRuns *prometheus.CounterVec
	documents *prometheus.CounterVec
}

// New builds a registry holding the portal's metrics and the Go runtime and
// process collectors. It panics only on a programming error (a metric
// registered twice).
func New(o Options) *Metrics {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.OutboxTimeout <= 0 {
		o.OutboxTimeout = time.Second
	}
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.registerHTTP()
	m.registerDomain()
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if o.Pool != nil {
		m.reg.MustRegister(newPoolCollector(o.Pool), newOutboxCollector(o.Pool, o.Now, o.OutboxTimeout))
	}
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(o.Log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError, // a failed outbox query must not hide the other metrics
		Registry:      m.reg,
		Timeout:       10 * time.Second,
	})
	return m
}

// Handler serves the registry in the Prometheus text (or negotiated)
// exposition format. On a nil *Metrics it answers 404.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return m.handler
}

// Gatherer returns the registry, for tests and for pushing elsewhere.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }
