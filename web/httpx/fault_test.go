package httpx_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
)

// TestDomainRefusalsMapToStatusesThroughOneTable sends one domain error of
// each kind through the adapter: each gets its status and its page.
func TestDomainRefusalsMapToStatusesThroughOneTable(t *testing.T) {
	cases := []struct {
		err     error
		status  int
		message string
	}{
		{catalog.ErrNotFound, http.StatusNotFound, "error.not_found"},
		{fmt.Errorf("cancel order 7: %w", voucher.ErrNotCancellable), http.StatusConflict, "voucher.not_cancellable"},
		{account.ErrNoConsent, http.StatusForbidden, "delivery.no_consent"},
		{valid.Errors{"name": {ID: "form.required"}}, http.StatusUnprocessableEntity, "error.invalid_input"},
		{account.ErrTooManySignups, http.StatusTooManyRequests, "error.too_many"},
		{account.ErrLastAdmin, http.StatusConflict, "error.conflict"},
		{errors.New("connection reset"), http.StatusInternalServerError, "error.internal"},
	}
	for _, c := range cases {
		var status int
		var message string
		a := &httpx.Adapter{Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Render: func(_ http.ResponseWriter, _ *http.Request, s int, id string) { status, message = s, id }}
		a.Error(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), c.err)
		if status != c.status || message != c.message {
			t.Errorf("%v: %d %s, want %d %s", c.err, status, message, c.status, c.message)
		}
	}
}
