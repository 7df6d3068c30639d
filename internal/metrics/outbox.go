package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
)

// outboxCollector runs one query on mail_outbox at scrape time. A message is
// pending while it is unsent (sent_at IS NULL) and has attempts left; an
// unsent message that used all mail.MaxAttempts is given up and counted
// apart, since the worker will never send it.
type outboxCollector struct {
	db      postgres.Querier
	now     func() time.Time
	timeout time.Duration

	pending, givenUp, oldestAge *prometheus.Desc
}

func newOutboxCollector(db postgres.Querier, now func() time.Time, timeout time.Duration) *outboxCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "mail_outbox", name), help, nil, nil)
	}
	return &outboxCollector{
		db: db, now: now, timeout: timeout,
		pending:   d("pending", "Unsent outbox messages the worker will still try."),
		givenUp:   d("given_up", "Unsent outbox messages that used all their attempts and will not be sent."),
		oldestAge: d("oldest_pending_age_seconds", "Age of the oldest pending outbox message (business time); 0 when none is pending."),
	}
}

// Describe implements prometheus.Collector.
func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.givenUp
	ch <- c.oldestAge
}

// outboxQuery reads only unsent rows, through the partial index
// mail_outbox_due (WHERE sent_at IS NULL).
const outboxQuery = `
	SELECT count(*) FILTER (WHERE attempts < $1),
	       count(*) FILTER (WHERE attempts >= $1),
	       min(created_at) FILTER (WHERE attempts < $1)
	FROM mail_outbox WHERE sent_at IS NULL`

// Collect implements prometheus.Collector. When the query fails or times
// out, it reports an invalid metric: the scrape still serves every other
// metric and logs the error.
func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	var pending, givenUp int64
	var oldest *time.Time
	if err := c.db.QueryRow(ctx, outboxQuery, mail.MaxAttempts).Scan(&pending, &givenUp, &oldest); err != nil {
		ch <- prometheus.NewInvalidMetric(c.pending, fmt.Errorf("metrics: outbox query: %w", err))
		return
	}
	age := 0.0
	if oldest != nil {
		age = max(c.now().Sub(*oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(pending))
	ch <- prometheus.MustNewConstMetric(c.givenUp, prometheus.GaugeValue, float64(givenUp))
	ch <- prometheus.MustNewConstMetric(c.oldestAge, prometheus.GaugeValue, age)
}
