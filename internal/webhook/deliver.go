package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ccp-partner/portal/internal/mail"
)

// MaxAttempts spreads the retries over about a day with Backoff.
const MaxAttempts = 20

// Headers of a delivery.
const (
	HeaderID        = "Webhook-Id"        // the event's id: the receiver's deduplication key
	HeaderTimestamp = "Webhook-Timestamp" // Unix seconds
	HeaderSignature = "Webhook-Signature" // "v1=" + hex HMAC-SHA256(secret, timestamp + "." + body)
)

// Sign returns the signature header's value of body sent at ts with secret;
// a receiver computes the same and compares in constant time.
func Sign(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// Delivery is a claimed delivery.
type Delivery struct {
	EndpointID int64
	EventID    string
	EventType  string
	Payload    string
}

// Queue is the outbox loop over webhook_deliveries.
func (s *Service) Queue() *mail.Queue[Delivery] {
	return &mail.Queue[Delivery]{
		DB: s.DB, Table: "webhook_deliveries",
		Columns: []string{"endpoint_id", "event_id", "event_type", "payload"},
		Dest:    func(d *Delivery) []any { return []any{&d.EndpointID, &d.EventID, &d.EventType, &d.Payload} },
		Deliver: s.deliver, Now: s.Clock.Now, MaxAttempts: MaxAttempts, Backoff: mail.Backoff, Log: s.Log,
	}
}

// DeliverDue relays new audit entries and delivers every due delivery.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	if _, err := s.Relay(ctx); err != nil {
		return 0, fmt.Errorf("webhook relay: %w", err)
	}
	return s.Queue().DeliverDue(ctx)
}

// Run relays and delivers every Interval until ctx is done.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		if _, err := s.DeliverDue(ctx); err != nil && ctx.Err() == nil && s.Log != nil {
			s.Log.Error("webhooks", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// deliver posts one event and logs the attempt; a 2xx answer delivers it.
func (s *Service) deliver(ctx context.Context, j mail.Job[Delivery]) error {
	d := j.Payload
	var target, secret string
	var active bool
	if err := s.DB.QueryRow(ctx, `SELECT url, secret, active FROM webhook_endpoints WHERE id = $1`, d.EndpointID).
		Scan(&target, &secret, &active); err != nil {
		return err
	}
	if !active {
		return nil // disabled since: dropped as delivered, nothing to send
	}
	status, response, err := s.post(ctx, target, secret, d)
	errText := ""
	if err != nil {
		errText = err.Error()
	}
	if _, logErr := s.DB.Exec(ctx, `INSERT INTO webhook_attempts (delivery_id, endpoint_id, at, status, response, error)
		VALUES ($1, $2, $3, $4, $5, $6)`, j.ID, d.EndpointID, s.Clock.Now(), status, response, errText); logErr != nil {
		return errors.Join(err, logErr)
	}
	return err
}

// post sends d to target and returns the status and the start of the answer.
func (s *Service) post(ctx context.Context, target, secret string, d Delivery) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(d.Payload))
	if err != nil {
		return 0, "", err
	}
	ts := strconv.FormatInt(s.Clock.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ccp-partner-portal-webhooks/1")
	req.Header.Set(HeaderID, d.EventID)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	res, err := s.client().Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 500))
	text := strings.ToValidUTF8(strings.ReplaceAll(string(b), "\x00", ""), "")
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, text, fmt.Errorf("webhook: endpoint answered %d", res.StatusCode)
	}
	return res.StatusCode, text, nil
}

// client is Client, or one that follows no redirects and, outside
// development, refuses to connect to a private address (server-side
// request forgery through DNS changed after registration).
func (s *Service) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || (!s.AllowPrivate && private(ap.Addr())) {
			return errors.New("webhook: refusing a private address")
		}
		return nil
	}}
	return &http.Client{
		Transport:     &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 10 * time.Second, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
