package httpx

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAdapterMapsErrorsToPagesAndHidesInternalText(t *testing.T) {
	var logs bytes.Buffer
	var rendered []string
	a := &Adapter{
		Log: slog.New(slog.NewJSONHandler(&logs, nil)),
		Render: func(w http.ResponseWriter, r *http.Request, status int, id string) {
			w.WriteHeader(status)
			rendered = append(rendered, id)
			fmt.Fprint(w, id)
		},
	}
	cases := []struct {
		err    error
		status int
		id     string
	}{
		{ErrNotFound, 404, "error.not_found"},
		{fmt.Errorf("wrapped: %w", ErrForbidden), 403, "error.forbidden"},
		{errors.New("pq: password authentication failed for user secret"), 500, "error.internal"},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req = req.WithContext(WithRequestID(req.Context(), "req-123"))
		a.H(func(http.ResponseWriter, *http.Request) error { return c.err })(rec, req)
		if rec.Code != c.status || rec.Body.String() != c.id {
			t.Errorf("%v → %d %q, want %d %q", c.err, rec.Code, rec.Body.String(), c.status, c.id)
		}
		if strings.Contains(rec.Body.String(), "secret") {
			t.Errorf("internal error text reached the page: %q", rec.Body.String())
		}
	}
	if !strings.Contains(logs.String(), `"request_id":"req-123"`) || !strings.Contains(logs.String(), "password authentication failed") {
		t.Errorf("the unexpected error is not logged with its request id: %s", logs.String())
	}
	if strings.Count(logs.String(), "\n") != 1 {
		t.Errorf("expected failures were logged as errors: %s", logs.String())
	}
}

func TestLocalPathRefusesOtherSites(t *testing.T) {
	for in, want := range map[string]string{
		"/account/users?x=1": "/account/users?x=1", "": "/", "//evil.example": "/",
		"https://evil.example/": "/", "/\\evil.example": "/", "dashboard": "/",
		// Dot segments are cleaned before anyone checks where the path leads,
		// and a backslash, raw or encoded, never passes.
		"/secure/../\\evil.example": "/", "/secure/..%2F%5Cevil.example": "/", "/secure/%5C%5Cevil": "/",
		"/secure/../finance/vouchers": "/finance/vouchers", "/secure/./orders/1?vc=A": "/secure/orders/1?vc=A",
		"/secure/%2e%2e/dashboard": "/dashboard", "/secure/": "/secure/", "/a/b/../../../..//evil.example": "/evil.example",
	} {
		if got := LocalPath(in, "/"); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", in, got, want)
		}
	}
}
