package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/metrics"
)

// measureRequests records every request under its chi route pattern
// ("/finance/vouchers/{id}", never the raw path), method and status; a
// request that matched no route is recorded as metrics.Unmatched. With nil
// metrics it does nothing.
func measureRequests(m *metrics.Metrics) func(http.Handler) http.Handler {
	if m == nil {
		return func(next http.Handler) http.Handler { return next }
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			done := m.RequestStarted()
			defer done()
			sw := &metricsWriter{ResponseWriter: w}
			// Recorded even when a handler aborts with a panic that is re-raised
			// (http.ErrAbortHandler), as a 500 unless a status was written.
			defer func() {
				status := sw.statusOr(http.StatusOK, http.StatusInternalServerError)
				m.ObserveRequest(routeLabel(r, status), r.Method, status, time.Since(start))
			}()
			next.ServeHTTP(sw, r)
			sw.finished = true
		})
	}
}

// routeLabel is the route pattern chi matched (known only after routing),
// or metrics.Unmatched. Not-found and method-not-allowed answers are checked
// against the router, because a mounted sub-router (r.Route("/operator", …))
// leaves its prefix "/operator/*" as the pattern of a path it did not match.
func routeLabel(r *http.Request, status int) string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil {
		return metrics.Unmatched
	}
	pattern := rctx.RoutePattern()
	if pattern == "" {
		return metrics.Unmatched
	}
	if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
		path := r.URL.RawPath
		if path == "" {
			path = r.URL.Path
		}
		if rctx.Routes == nil || !rctx.Routes.Match(chi.NewRouteContext(), r.Method, path) {
			return metrics.Unmatched
		}
	}
	return pattern
}

// metricsWriter remembers the status written through it.
type metricsWriter struct {
	http.ResponseWriter
	status   int
	finished bool // the handler returned normally
}

func (w *metricsWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *metricsWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *metricsWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// statusOr is the status written, else ok when the handler returned
// normally, else aborted.
func (w *metricsWriter) statusOr(ok, aborted int) int {
	switch {
	case w.status != 0:
		return w.status
	case w.finished:
		return ok
	default:
		return aborted
	}
}
