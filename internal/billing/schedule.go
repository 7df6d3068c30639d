package billing

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/postgres"
)

// closeLock is the advisory lock that makes one process the closer.
var closeLock = postgres.LockKey("monthly-close")

// Run closes due months every interval until ctx is done (M-1): at 00:00
// Japan time on the 1st the previous month becomes due, and on start-up
// every month missed while the service was down is closed, oldest first.
// Polling the clock (rather than sleeping until the 1st) lets the test
// clock trigger the close as real time would.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, _, err := s.CloseDue(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("monthly close", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CloseDue closes every due month, oldest first, if this process gets the
// close's advisory lock; ran is false when another process holds it (and
// is running them). It returns the reports of the months it closed.
func (s *Service) CloseDue(ctx context.Context) (reports []Report, ran bool, err error) {
	ran, err = postgres.WithTryLock(ctx, s.Pool, closeLock, func(ctx context.Context) error {
		months, err := s.DueMonths(ctx)
		if err != nil {
			return err
		}
		for _, m := range months {
			r, err := s.CloseMonth(ctx, m)
			if err != nil {
				return err
			}
			reports = append(reports, r)
		}
		return nil
	})
	return reports, ran, err
}

// CloseOne closes month m, as CloseDue does, under the same lock: operator
// Finance's "run" and "re-run" and `portal close -month`.
func (s *Service) CloseOne(ctx context.Context, m Month) (r Report, ran bool, err error) {
	ran, err = postgres.WithTryLock(ctx, s.Pool, closeLock, func(ctx context.Context) error {
		r, err = s.CloseMonth(ctx, m)
		return err
	})
	return r, ran, err
}

// DueMonths are the months to close now, oldest first: every month from
// the first with billed entries (or after the last finished run) up to the
// previous month, that has no finished run. Cheap when nothing is due: it
// reads the latest run and one index entry.
func (s *Service) DueMonths(ctx context.Context) ([]Month, error) {
	current := MonthOf(s.Clock.Now())
	first, err := s.firstOpenMonth(ctx)
	if err != nil || first.IsZero() {
		return nil, err
	}
	var due []Month
	for m := first; m.Before(current); m = m.Next() {
		due = append(due, m)
	}
	return due, nil
}

// firstOpenMonth is the month after the last finished run, or the month of
// the first billed entry when no run has finished; a run with failures
// (unfinished) is due again. Zero: nothing was ever billed.
func (s *Service) firstOpenMonth(ctx context.Context) (Month, error) {
	var unfinished, lastDone *time.Time
	err := s.DB.QueryRow(ctx, `
		SELECT (SELECT min(month) FROM close_runs WHERE finished_at IS NULL),
		       (SELECT max(month) FROM close_runs WHERE finished_at IS NOT NULL)`).Scan(&unfinished, &lastDone)
	if err != nil {
		return Month{}, err
	}
	switch {
	case unfinished != nil:
		return monthFromDate(*unfinished), nil
	case lastDone != nil:
		return monthFromDate(*lastDone).Next(), nil
	}
	var first time.Time
	err = s.DB.QueryRow(ctx, `SELECT at FROM ledger_entries ORDER BY at LIMIT 1`).Scan(&first)
	if errors.Is(err, pgx.ErrNoRows) {
		return Month{}, nil
	}
	return MonthOf(first), err
}

// CloseByHand is operator Finance's run or re-run of month m (M-2):
// CloseOne, audited with actor; ErrCloseRunning when another process is
// running the close.
func (s *Service) CloseByHand(ctx context.Context, m Month, actor audit.Entry) (Report, error) {
	r, ran, err := s.CloseOne(ctx, m)
	if err == nil && !ran {
		err = ErrCloseRunning
	}
	if err != nil {
		return r, err
	}
	e := actor.Of(s.Clock.Now(), audit.CloseRequested, "month", m.String())
	e.Details = map[string]any{"closed": r.Closed, "already_closed": r.AlreadyClosed, "failed": r.Failed}
	return r, audit.Record(ctx, s.DB, e)
}
