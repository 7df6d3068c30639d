package billing

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/metrics"
)

// startRun records that m's close is running for partners partners.
func (s *Service) startRun(ctx context.Context, m Month, partners int, now time.Time) error {
	_, err := s.DB.Exec(ctx, `
		INSERT INTO close_runs (month, started_at, partners) VALUES ($1, $2, $3)
		ON CONFLICT (month) DO UPDATE SET started_at = $2, finished_at = NULL, partners = $3, closed = 0, failed = 0`,
		m.Date(), now, partners)
	return err
}

// finishRun records the run's counts; finished_at only when nobody failed,
// so that the scheduler retries a month with failures.
func (s *Service) finishRun(ctx context.Context, m Month, r Report) error {
	_, err := s.DB.Exec(ctx, `
		UPDATE close_runs SET closed = $2, failed = $3, finished_at = CASE WHEN $3 = 0 THEN $4::timestamptz END
		WHERE month = $1`, m.Date(), r.Closed+r.AlreadyClosed, r.Failed, s.Clock.Now())
	return err
}

// recordFailure keeps why partnerID's close of m failed, for the console.
func (s *Service) recordFailure(ctx context.Context, m Month, partnerID int64, cause error) {
	_, err := s.DB.Exec(ctx, `
		INSERT INTO close_failures (month, partner_id, at, reason) VALUES ($1, $2, $3, $4)
		ON CONFLICT (month, partner_id) DO UPDATE SET at = $3, reason = $4`,
		m.Date(), partnerID, s.Clock.Now(), truncate(cause.Error(), 1000))
	if err != nil {
		s.Log.Error("recording a close failure", "partner", partnerID, "err", err)
	}
}

func (s *Service) countRun(r Report) {
	if s.Metrics == nil {
		return
	}
	switch {
	case r.Failed > 0:
		s.Metrics.CloseRun(metrics.CloseFailed)
	case r.Closed == 0:
		s.Metrics.CloseRun(metrics.CloseSkipped)
	default:
		s.Metrics.CloseRun(metrics.CloseCompleted)
	}
}

// truncate keeps at most n bytes of s, cut at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// RunStatus is a month's close as the console shows it (M-8).
type RunStatus struct {
	Month                    Month
	StartedAt                time.Time
	FinishedAt               *time.Time
	Partners, Closed, Failed int
	Failures                 []Failure
}

// Failure is why one partner's close failed.
type Failure struct {
	PartnerID   int64
	PartnerName string
	At          time.Time
	Reason      string
}

// Runs lists the latest months' close runs, newest first, with their
// failures.
func (s *Service) Runs(ctx context.Context, limit int) ([]RunStatus, error) {
	rows, err := s.DB.Query(ctx, `
		SELECT month, started_at, finished_at, partners, closed, failed FROM close_runs ORDER BY month DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	runs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RunStatus, error) {
		var rs RunStatus
		var month time.Time
		err := r.Scan(&month, &rs.StartedAt, &rs.FinishedAt, &rs.Partners, &rs.Closed, &rs.Failed)
		rs.Month = monthFromDate(month)
		return rs, err
	})
	if err != nil {
		return nil, err
	}
	for i := range runs {
		if runs[i].Failed > 0 {
			if runs[i].Failures, err = s.failures(ctx, runs[i].Month); err != nil {
				return nil, err
			}
		}
	}
	return runs, nil
}

func (s *Service) failures(ctx context.Context, m Month) ([]Failure, error) {
	rows, err := s.DB.Query(ctx, `
		SELECT f.partner_id, p.name, f.at, f.reason FROM close_failures f JOIN partners p ON p.id = f.partner_id
		WHERE f.month = $1 ORDER BY f.partner_id`, m.Date())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Failure, error) {
		var f Failure
		return f, r.Scan(&f.PartnerID, &f.PartnerName, &f.At, &f.Reason)
	})
}
