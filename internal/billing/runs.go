package billing

import (
	"context"
	"time"

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
