package web_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/web/webtest"
)

// TestMetricsCountRoutePatterns checks that requests are counted under the
// route pattern chi matched, never under the raw path, and that the pool,
// outbox, runtime and business metrics are served on the public listener
// when PORTAL_METRICS_ADDR is not set.
func TestMetricsCountRoutePatterns(t *testing.T) {
	env := webtest.Start(t)
	partner := env.Login(t, "acme-admin")
	partner.Get("/finance/vouchers/123")
	partner.Get("/finance/vouchers/123")
	partner.Get("/no/such/page-xyz")
	op := env.Login(t, "op-admin")
	op.Get("/operator/partners")
	op.Get("/operator/no-such-page-xyz")

	res := env.Client(t).Get("/metrics")
	if res.Status != http.StatusOK {
		t.Fatalf("GET /metrics: status %d", res.Status)
	}
	body := res.Body
	for _, raw := range []string{"/finance/vouchers/123", "no/such/page-xyz", "no-such-page-xyz"} {
		if strings.Contains(body, raw) {
			t.Errorf("a raw path leaks into the metrics: %s", raw)
		}
	}
	for _, re := range []string{
		`portal_http_requests_total\{method="GET",route="/finance/vouchers/\{id\}",status="\d+"\} 2`,
		`portal_http_requests_total\{method="POST",route="/login",status="303"\} 2`,
		`portal_http_requests_total\{method="GET",route="/operator/partners",status="200"\} 1`,
		`portal_http_requests_total\{method="GET",route="unmatched",status="404"\} 2`,
		`portal_http_request_duration_seconds_count\{method="GET",route="/finance/vouchers/\{id\}"\} 2`,
		`(?m)^portal_db_pool_acquired_conns \d+$`,
		`(?m)^portal_db_pool_idle_conns \d+$`,
		`(?m)^portal_db_pool_total_conns [1-9]\d*$`,
		`(?m)^portal_db_pool_max_conns [1-9]\d*$`,
		`(?m)^portal_db_pool_acquires_total [1-9]\d*$`,
		`(?m)^portal_db_pool_acquire_wait_seconds_total \S+$`,
		`(?m)^portal_mail_outbox_pending \d+$`,
		`(?m)^portal_mail_outbox_oldest_pending_age_seconds \S+$`,
		`(?m)^portal_documents_issued_total\{kind="invoice"\} 0$`,
		`(?m)^portal_close_runs_total\{result="completed"\} 0$`,
		`(?m)^go_goroutines \d+$`,
		`(?m)^process_resident_memory_bytes \S+$`,
	} {
		if !regexp.MustCompile(re).MatchString(body) {
			t.Errorf("/metrics lacks %s", re)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", portalLines(body))
	}
}

// TestMetricsOnTheirOwnListener checks that with PORTAL_METRICS_ADDR set,
// /metrics is served only there and the public listener answers 404.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	env := webtest.Start(t, "PORTAL_METRICS_ADDR=127.0.0.1:0")
	ln, err := env.App.MetricsListener()
	if err != nil || ln == nil {
		t.Fatalf("metrics listener: %v %v", ln, err)
	}
	env.Client(t).Get("/login")
	if res := env.Client(t).Get("/metrics"); res.Status != http.StatusNotFound {
		t.Errorf("public GET /metrics: status %d, want 404", res.Status)
	}
	metricsURL := "http://" + ln.Addr().String()
	status, body := get(t, metricsURL+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("metrics listener GET /metrics: status %d", status)
	}
	for _, want := range []string{`portal_http_requests_total{method="GET",route="/login",status="200"} 1`,
		`route="unmatched",status="404"} 1`, "portal_db_pool_max_conns ", "portal_mail_outbox_pending "} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics listener lacks %q", want)
		}
	}
	if status, _ := get(t, metricsURL+"/login"); status != http.StatusNotFound {
		t.Errorf("metrics listener GET /login: status %d, want 404", status)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

func portalLines(body string) string {
	var out []string
	for line := range strings.SplitSeq(body, "\n") {
		if strings.HasPrefix(line, "portal_") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
