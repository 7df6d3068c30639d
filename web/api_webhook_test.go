package web_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/webhook"
	"github.com/ccp-partner/portal/web/webtest"
)

// receiver is a partner's endpoint: down while down is set, it records the
// events it accepted and whether each signature verified.
type receiver struct {
	down     atomic.Bool
	secret   atomic.Value
	mu       sync.Mutex
	accepted map[string]int // event id → times accepted
	types    map[string]string
	badSig   int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if rc.down.Load() {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	secret, _ := rc.secret.Load().(string)
	want := webhook.Sign(secret, r.Header.Get(webhook.HeaderTimestamp), body)
	if !hmac.Equal([]byte(want), []byte(r.Header.Get(webhook.HeaderSignature))) {
		rc.badSig++
	}
	var ev struct{ ID, Type string }
	_ = json.Unmarshal(body, &ev)
	if ev.ID != r.Header.Get(webhook.HeaderID) {
		rc.badSig++
	}
	rc.accepted[ev.ID]++
	rc.types[ev.ID] = ev.Type
	w.WriteHeader(http.StatusNoContent)
}

// countOnce is how many events of each type the receiver accepted, each
// of which it must have accepted once only, with a valid signature.
func (rc *receiver) countOnce(t *testing.T) map[string]int {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	count := map[string]int{}
	for id, n := range rc.accepted {
		if n != 1 {
			t.Errorf("event %s accepted %d times", id, n)
		}
		count[rc.types[id]]++
	}
	if rc.badSig != 0 {
		t.Errorf("%d signatures did not verify", rc.badSig)
	}
	return count
}

// registerHook registers url for events on the automation page and returns the secret shown once.
func registerHook(t *testing.T, c *webtest.Client, target string, events ...string) (int, string) {
	t.Helper()
	res := c.PostForm("/account/automation/webhooks", url.Values{"url": {target}, "events": events})
	return res.Status, strings.TrimSpace(res.Doc.Find("#new-secret-value").Text())
}

func TestAPIWebhooksReachARecoveredEndpointOnceEachWithValidSignatures(t *testing.T) {
	env := webtest.Start(t)
	rc := &receiver{accepted: map[string]int{}, types: map[string]string{}}
	srv := httptest.NewTLSServer(rc)
	defer srv.Close()
	env.App.Webhooks.Client = srv.Client()
	rc.down.Store(true)
	admin := env.Login(t, "acme-admin")
	status, secret := registerHook(t, admin, srv.URL+"/hooks", webhook.OrderCreated, webhook.OrderCancelled, webhook.CodeReissued)
	if status != http.StatusOK || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("register: %d %q", status, secret)
	}
	rc.secret.Store(secret)
	key := apiKey(t, env, "acme-admin", "acme-admin")
	var o struct {
		ID    int64
		Codes []struct{ ID int64 }
	}
	call(t, env, "POST", "/voucher", key, oneVoucher(2)).decode(t, &o)
	call(t, env, "POST", "/voucher/code/"+itoa(o.Codes[0].ID)+"/reissue", key, nil)
	call(t, env, "POST", "/voucher/"+itoa(o.ID)+"/cancel", key, nil)
	placeOrder(t, admin, [4]string{"1:1", "1", "1", "0"}) // through the web form: an event too

	ctx := context.Background()
	for range 3 { // the endpoint is down: every attempt fails and is retried later
		if _, err := env.App.Webhooks.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		if err := env.App.TestClock.Advance(ctx, 10*time.Minute, nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(rc.accepted) != 0 {
		t.Fatalf("accepted while down: %v", rc.accepted)
	}
	rc.down.Store(false)
	if err := env.App.TestClock.Advance(ctx, 3*time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := env.App.Webhooks.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	count := rc.countOnce(t)
	if count[webhook.OrderCreated] != 2 || count[webhook.OrderCancelled] != 1 || count[webhook.CodeReissued] != 1 || len(count) != 3 {
		t.Errorf("events accepted: %v", count)
	}
	log := env.Login(t, "acme-admin").Get("/account/automation").Doc.Find(".endpoint .attempt-status")
	if !strings.Contains(log.Text(), "503") || !strings.Contains(log.Text(), "204") {
		t.Errorf("delivery log: %q", log.Text())
	}
}

func TestAPIWebhookRefusesLoopbackAndPlainHTTPEndpoints(t *testing.T) {
	env := webtest.Start(t)
	env.App.Webhooks.AllowPrivate = false // as in production
	c := env.Login(t, "acme-admin")
	for _, target := range []string{"https://127.0.0.1/hook", "https://localhost:8443/hook", "https://10.1.2.3/hook", "https://[::1]/hook",
		"http://shop.example.com/hook", "not a url"} {
		before := env.Fingerprint(t)
		if status, secret := registerHook(t, c, target, webhook.OrderCreated); status != http.StatusUnprocessableEntity || secret != "" {
			t.Errorf("%s: %d", target, status)
		}
		if env.Fingerprint(t) != before {
			t.Errorf("%s: something was written", target)
		}
	}
}

func TestAPIWebhookTestEvent(t *testing.T) {
	env := webtest.Start(t)
	rc := &receiver{accepted: map[string]int{}, types: map[string]string{}}
	srv := httptest.NewTLSServer(rc)
	defer srv.Close()
	env.App.Webhooks.Client = srv.Client()
	c := env.Login(t, "acme-admin")
	_, secret := registerHook(t, c, srv.URL, webhook.OrderCreated)
	rc.secret.Store(secret)
	send := c.Get("/account/automation").Doc.Find(".endpoint form").First().AttrOr("action", "")
	if res := c.PostForm(send, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("send test: %d", res.Status)
	}
	if _, err := env.App.Webhooks.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.accepted) != 1 || rc.badSig != 0 {
		t.Errorf("test event: %v, bad signatures %d", rc.accepted, rc.badSig)
	}
}
