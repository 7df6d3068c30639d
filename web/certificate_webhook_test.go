package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/webhook"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestWebhooksTellTheRedemptionTheIssuanceAndTheInvoice: the events that
// waited for certificate requests and the monthly close reach a partner's
// endpoint once each, signed.
func TestWebhooksTellTheRedemptionTheIssuanceAndTheInvoice(t *testing.T) {
	env := webtest.Start(t)
	rc := &receiver{accepted: map[string]int{}, types: map[string]string{}}
	srv := httptest.NewTLSServer(rc)
	defer srv.Close()
	env.App.Webhooks.Client = srv.Client()
	status, secret := registerHook(t, env.Login(t, "acme-admin"), srv.URL+"/hooks", webhook.CodeRedeemed, webhook.CertificateIssued, webhook.InvoiceIssued)
	if status != http.StatusOK {
		t.Fatalf("register: %d", status)
	}
	rc.secret.Store(secret)

	codes, product := voucherCodes(t, env, "1")
	sub := signedInSubscriber(t, env, "hanako@example.jp")
	res := sub.PostForm(redeemPath(product, codes[0]), withOrg(url.Values{"csr": {newCSR(t, "hooks.example.jp")}}))
	m := orderLocation.FindStringSubmatch(res.Location)
	if m == nil {
		t.Fatalf("request: %d", res.Status)
	}
	if res := env.Login(t, "op-validation").PostForm("/operator/validation/"+m[1]+"/approve", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.Status)
	}
	ctx := context.Background()
	now := env.App.Clock.Now().In(clock.Tokyo)
	if err := env.App.TestClock.Set(ctx, time.Date(now.Year(), now.Month()+1, 1, 0, 0, 5, 0, clock.Tokyo), nil); err != nil {
		t.Fatal(err)
	}
	closeNow(t, env)
	for range 2 {
		if _, err := env.App.Webhooks.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	count := rc.countOnce(t)
	if count[webhook.CodeRedeemed] != 1 || count[webhook.CertificateIssued] != 1 || count[webhook.InvoiceIssued] != 1 || len(count) != 3 {
		t.Errorf("events accepted: %v", count)
	}
}
