// Package webhook tells a partner's systems what happened in their account:
// an Administrator registers an HTTPS endpoint and the events it receives;
// a relay turns the audit log's entries (every change writes one in its own
// transaction) into one delivery per subscribed endpoint, exactly once, and
// an outbox of its own (internal/mail.Queue) delivers them signed with
// HMAC-SHA256, retrying with backoff for a day.
package webhook

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// Event types (sources maps the audit actions they come from).
const (
	OrderCreated      = "voucher_order.created"
	OrderCancelled    = "voucher_order.cancelled"
	CodeReissued      = "voucher_code.reissued"
	CodeRedeemed      = "voucher_code.redeemed"
	CertificateIssued = "certificate.issued"
	InvoiceIssued     = "invoice.issued"
	TestEvent         = "test"
)

// Events lists the events an endpoint may choose, in display order.
var Events = []string{OrderCreated, OrderCancelled, CodeReissued, CodeRedeemed, CertificateIssued, InvoiceIssued}

// sources maps audit actions to the events they raise.
var sources = map[audit.Action]string{
	audit.VoucherOrderCreated:   OrderCreated,
	audit.VoucherOrderCancelled: OrderCancelled,
	audit.VoucherCodeReissued:   CodeReissued,
	audit.MonthClosed:           InvoiceIssued,
	audit.VoucherCodeRedeemed:   CodeRedeemed,
	audit.CertificateIssued:     CertificateIssued,
}

// Refusals.
var (
	ErrNotFound = fault.New(fault.NotFound, "webhook: no such endpoint", "")
)

// Endpoint is a registered endpoint (never its secret).
type Endpoint struct {
	ID        int64
	PartnerID int64
	URL       string
	Events    []string
	Active    bool
	CreatedAt time.Time
	Attempts  []Attempt // the latest, newest first (filled by Endpoints)
}

// Attempt is one delivery attempt as the log shows it.
type Attempt struct {
	At        time.Time
	EventID   string
	EventType string
	Status    int // 0: no answer
	Response  string
	Error     string
}

// Service registers endpoints and relays and delivers events.
type Service struct {
	DB           postgres.DB
	Clock        clock.Clock
	Client       *http.Client // nil: a client that refuses private addresses unless AllowPrivate
	AllowPrivate bool         // development: loopback and private endpoints are allowed
	Log          *slog.Logger
	Interval     time.Duration
}

// With returns the service bound to q.
func (s *Service) With(q postgres.Querier) *Service { return postgres.Rebind(s, q) }

// Register adds an endpoint of partnerID receiving events and returns its
// signing secret (shown once). Refusals: the actor's (auth.ManageAccount
// for partnerID), valid.Errors (not HTTPS, a private or loopback address
// outside development, no event).
func (s *Service) Register(ctx context.Context, partnerID int64, rawURL string, events []string, actor auth.Actor) (int64, string, error) {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return 0, "", err
	}
	e := valid.Errors{}
	rawURL = strings.TrimSpace(rawURL)
	if id := s.checkURL(ctx, rawURL); id != "" {
		e.Add("url", id)
	}
	if len(events) == 0 || slices.ContainsFunc(events, func(ev string) bool { return !slices.Contains(Events, ev) }) {
		e.Add("events", "form.choose")
	}
	if err := e.Err(); err != nil {
		return 0, "", err
	}
	secret := "whsec_" + rand.Text()
	var id int64
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		now := s.Clock.Now()
		if err := q.QueryRow(ctx, `INSERT INTO webhook_endpoints (partner_id, url, events, secret, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, partnerID, rawURL, events, secret, now, actor.UserID()).Scan(&id); err != nil {
			return err
		}
		entry := actor.Entry().In(partnerID).Of(now, audit.WebhookCreated, "webhook_endpoint", id)
		entry.Details = map[string]any{"url": rawURL, "events": events}
		return audit.Record(ctx, q, entry)
	})
	return id, secret, err
}

// checkURL returns why rawURL cannot be an endpoint ("" when it can).
func (s *Service) checkURL(ctx context.Context, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || len(rawURL) > 500 || u.User != nil {
		return "webhook.url_format"
	}
	if u.Scheme != "https" && !(s.AllowPrivate && u.Scheme == "http") {
		return "webhook.url_https"
	}
	if s.AllowPrivate {
		return ""
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil || len(addrs) == 0 {
		return "webhook.url_unresolved"
	}
	if slices.ContainsFunc(addrs, private) {
		return "webhook.url_private"
	}
	return ""
}

// private reports whether a is an address an endpoint may not have:
// loopback, private, link-local, unspecified or multicast.
func private(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(a)
}

// Disable stops deliveries to endpoint id of partnerID.
func (s *Service) Disable(ctx context.Context, partnerID, id int64, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		tag, err := q.Exec(ctx, `UPDATE webhook_endpoints SET active = false WHERE id = $1 AND partner_id = $2 AND active`, id, partnerID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return audit.Record(ctx, q, actor.Entry().In(partnerID).Of(s.Clock.Now(), audit.WebhookDisabled, "webhook_endpoint", id))
	})
}

// Endpoints lists partnerID's endpoints, newest first, each with its
// latest attempts.
func (s *Service) Endpoints(ctx context.Context, partnerID int64) ([]Endpoint, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, partner_id, url, events, active, created_at FROM webhook_endpoints
		WHERE partner_id = $1 ORDER BY id DESC`, partnerID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Endpoint, error) {
		var e Endpoint
		err := r.Scan(&e.ID, &e.PartnerID, &e.URL, &e.Events, &e.Active, &e.CreatedAt)
		return e, err
	})
	for i := range list {
		if err == nil {
			list[i].Attempts, err = s.attempts(ctx, list[i].ID, 10)
		}
	}
	return list, err
}

func (s *Service) attempts(ctx context.Context, endpointID int64, limit int) ([]Attempt, error) {
	rows, err := s.DB.Query(ctx, `SELECT a.at, d.event_id, d.event_type, a.status, a.response, a.error
		FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
		WHERE a.endpoint_id = $1 ORDER BY a.id DESC LIMIT $2`, endpointID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Attempt, error) {
		var a Attempt
		err := r.Scan(&a.At, &a.EventID, &a.EventType, &a.Status, &a.Response, &a.Error)
		return a, err
	})
}

// SendTest queues a test event to endpoint id of partnerID.
func (s *Service) SendTest(ctx context.Context, partnerID, id int64, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.ManageAccount, partnerID); err != nil {
		return err
	}
	now := s.Clock.Now()
	tag, err := s.DB.Exec(ctx, `
		INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, created_at, next_attempt_at)
		SELECT e.id, ev.id, $3, json_build_object('id', ev.id, 'type', $3::text, 'created_at', $4::timestamptz,
			'data', json_build_object('message', 'test'))::text, $4, $4
		FROM webhook_endpoints e, (SELECT 'evt_' || replace(gen_random_uuid()::text, '-', '') AS id) ev
		WHERE e.id = $1 AND e.partner_id = $2 AND e.active`, id, partnerID, TestEvent, now)
	if err == nil && tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return err
}
