package metrics

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

func scrape(t *testing.T, m *Metrics) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func TestOutboxGauges(t *testing.T) {
	ctx := context.Background()
	pool := postgrestest.NewPool(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for i, created := range []time.Duration{90 * time.Second, 30 * time.Second, time.Hour, 2 * time.Hour} {
		if err := mail.Enqueue(ctx, pool, now.Add(-created), mail.Message{To: []string{"a@example.jp"}, Subject: "s", BodyText: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	// The hour-old message was sent; the two-hour-old one was given up.
	if _, err := pool.Exec(ctx, `UPDATE mail_outbox SET sent_at = $1 WHERE created_at = $2`, now, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE mail_outbox SET attempts = $1 WHERE created_at = $2`, mail.MaxAttempts, now.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	c := newOutboxCollector(pool, func() time.Time { return now }, time.Second)
	want := `
# HELP portal_mail_outbox_given_up Unsent outbox messages that used all their attempts and will not be sent.
# TYPE portal_mail_outbox_given_up gauge
portal_mail_outbox_given_up 1
# HELP portal_mail_outbox_oldest_pending_age_seconds Age of the oldest pending outbox message (business time); 0 when none is pending.
# TYPE portal_mail_outbox_oldest_pending_age_seconds gauge
portal_mail_outbox_oldest_pending_age_seconds 90
# HELP portal_mail_outbox_pending Unsent outbox messages the worker will still try.
# TYPE portal_mail_outbox_pending gauge
portal_mail_outbox_pending 2
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestFailedOutboxQueryKeepsTheOtherMetrics(t *testing.T) {
	pool := postgrestest.NewPool(t)
	if _, err := pool.Exec(context.Background(), `DROP TABLE mail_outbox CASCADE`); err != nil {
		t.Fatal(err)
	}
	code, body := scrape(t, New(Options{Pool: pool}))
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if strings.Contains(body, "portal_mail_outbox_pending") {
		t.Error("outbox gauge served although its query failed")
	}
	for _, want := range []string{"portal_db_pool_max_conns", "go_goroutines", "promhttp_metric_handler_errors_total"} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
}

func TestPoolGauges(t *testing.T) {
	pool := postgrestest.NewPool(t)
	if err := pool.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := newPoolCollector(pool)
	if n := testutil.CollectAndCount(c); n != 13 {
		t.Errorf("%d pool metrics, want 13", n)
	}
	_, body := scrape(t, New(Options{Pool: pool}))
	for _, want := range []string{
		"portal_db_pool_max_conns " + strconv.Itoa(int(pool.Config().MaxConns)),
		"portal_db_pool_total_conns ", "portal_db_pool_idle_conns ", "portal_db_pool_acquired_conns ",
		"portal_db_pool_acquires_total ", "portal_db_pool_acquire_wait_seconds_total ",
		"portal_mail_outbox_pending 0", "portal_mail_outbox_oldest_pending_age_seconds 0",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

func TestDomainCountersStartAtZero(t *testing.T) {
	m := New(Options{})
	m.DocumentIssued(DocInvoice)
	m.DocumentIssued(DocInvoice)
	m.CloseRun(CloseCompleted)
	if got := testutil.ToFloat64(m.documents.WithLabelValues(DocInvoice)); got != 2 {
		t.Errorf("invoices issued %v, want 2", got)
	}
	_, body := scrape(t, m)
	for _, want := range []string{
		`portal_documents_issued_total{kind="invoice"} 2`,
		`portal_documents_issued_total{kind="voucher_pdf"} 0`,
		`portal_documents_issued_total{kind="credit_note"} 0`,
		`portal_close_runs_total{result="completed"} 1`,
		`portal_close_runs_total{result="failed"} 0`,
		"go_goroutines ", "process_resident_memory_bytes ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

func TestRequestsAreLabelledSafely(t *testing.T) {
	m := New(Options{})
	m.ObserveRequest("/finance/vouchers/{id}", http.MethodGet, 200, 30*time.Millisecond)
	m.ObserveRequest("", "PROPFIND", 404, time.Millisecond)
	done := m.RequestStarted()
	if got := testutil.ToFloat64(m.inFlight); got != 1 {
		t.Errorf("in flight %v, want 1", got)
	}
	done()
	_, body := scrape(t, m)
	for _, want := range []string{
		`portal_http_requests_total{method="GET",route="/finance/vouchers/{id}",status="200"} 1`,
		`portal_http_requests_total{method="OTHER",route="unmatched",status="404"} 1`,
		`portal_http_request_duration_seconds_bucket{method="GET",route="/finance/vouchers/{id}",le="0.05"} 1`,
		"portal_http_requests_in_flight 0",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	m.DocumentIssued(DocQuote)
	m.CloseRun(CloseFailed)
	m.ObserveRequest("/", http.MethodGet, 200, time.Millisecond)
	m.RequestStarted()()
	if code, _ := scrape(t, m); code != http.StatusNotFound {
		t.Errorf("nil metrics handler: status %d, want 404", code)
	}
}
