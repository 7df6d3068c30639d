package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// poolStater is what the pool collector reads: *pgxpool.Pool.
type poolStater interface {
	Stat() *pgxpool.Stat
}

// poolCollector reads the pool's statistics at scrape time.
type poolCollector struct {
	pool poolStater

	acquired, idle, total, constructing, max     *prometheus.Desc
	acquires, acquireWait, emptyAcquires         *prometheus.Desc
	emptyAcquireWait, canceledAcquires, newConns *prometheus.Desc
	lifetimeDestroys, idleDestroys               *prometheus.Desc
}

func newPoolCollector(p poolStater) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "db_pool", name), help, nil, nil)
	}
	return &poolCollector{
		pool:             p,
		acquired:         d("acquired_conns", "Connections currently in use."),
		idle:             d("idle_conns", "Connections currently idle in the pool."),
		total:            d("total_conns", "Connections in the pool: acquired, idle and being opened."),
		constructing:     d("constructing_conns", "Connections being opened."),
		max:              d("max_conns", "The most connections the pool opens."),
		acquires:         d("acquires_total", "Successful connection acquires."),
		acquireWait:      d("acquire_wait_seconds_total", "Time spent in successful acquires."),
		emptyAcquires:    d("empty_acquires_total", "Successful acquires that had to wait because no idle connection was ready."),
		emptyAcquireWait: d("empty_acquire_wait_seconds_total", "Time spent waiting in acquires that found no idle connection."),
		canceledAcquires: d("canceled_acquires_total", "Acquires cancelled by their context."),
		newConns:         d("new_conns_total", "Connections opened."),
		lifetimeDestroys: d("max_lifetime_destroys_total", "Connections closed because they reached their maximum lifetime."),
		idleDestroys:     d("max_idle_destroys_total", "Connections closed because they stayed idle too long."),
	}
}

// Describe implements prometheus.Collector.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.acquired, c.idle, c.total, c.constructing, c.max, c.acquires,
		c.acquireWait, c.emptyAcquires, c.emptyAcquireWait, c.canceledAcquires, c.newConns,
		c.lifetimeDestroys, c.idleDestroys} {
		ch <- d
	}
}

// Collect implements prometheus.Collector; Stat takes the pool's lock
// briefly and queries nothing.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(c.acquired, float64(s.AcquiredConns()))
	gauge(c.idle, float64(s.IdleConns()))
	gauge(c.total, float64(s.TotalConns()))
	gauge(c.constructing, float64(s.ConstructingConns()))
	gauge(c.max, float64(s.MaxConns()))
	counter(c.acquires, float64(s.AcquireCount()))
	counter(c.acquireWait, s.AcquireDuration().Seconds())
	counter(c.emptyAcquires, float64(s.EmptyAcquireCount()))
	counter(c.emptyAcquireWait, s.EmptyAcquireWaitTime().Seconds())
	counter(c.canceledAcquires, float64(s.CanceledAcquireCount()))
	counter(c.newConns, float64(s.NewConnsCount()))
	counter(c.lifetimeDestroys, float64(s.MaxLifetimeDestroyCount()))
	counter(c.idleDestroys, float64(s.MaxIdleDestroyCount()))
}
