package billing

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
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
// that of the first billed entry up to the previous month that has no
// finished run — never run, or run with failures — whatever later months
// were closed (by hand, say). It reads one index entry and the runs.
func (s *Service) DueMonths(ctx context.Context) ([]Month, error) {
	current := MonthOf(s.Clock.Now())
	var first time.Time
	err := s.DB.QueryRow(ctx, `SELECT at FROM ledger_entries ORDER BY at LIMIT 1`).Scan(&first)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	done, err := s.finishedRuns(ctx, MonthOf(first))
	if err != nil {
		return nil, err
	}
	var due []Month
	for m := MonthOf(first); m.Before(current); m = m.Next() {
		if !done[m] {
			due = append(due, m)
		}
	}
	return due, nil
}

// retryFailedAfter is how long a month whose close had failures waits
// before the schedule tries it again (operator Finance can re-run it at
// once): a failure that needs a person (the operator's details not set)
// should not be retried, and logged, every few seconds.
const retryFailedAfter = 10 * time.Minute

// finishedRuns are the months from first on whose close finished, or
// failed for some partner less than retryFailedAfter ago.
func (s *Service) finishedRuns(ctx context.Context, first Month) (map[Month]bool, error) {
	rows, err := s.DB.Query(ctx, `SELECT month FROM close_runs WHERE month >= $1
		AND (finished_at IS NOT NULL OR (failed > 0 AND started_at > $2))`,
		first.Date(), s.Clock.Now().Add(-retryFailedAfter))
	if err != nil {
		return nil, err
	}
	months, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	done := make(map[Month]bool, len(months))
	for _, m := range months {
		done[monthFromDate(m)] = true
	}
	return done, err
}

// CloseByHand is operator Finance's (or the CLI's, as auth.System) run or
// re-run of month m (M-2): CloseOne, audited with actor; the actor's
// refusal (auth.ManageBilling), or ErrCloseRunning when another process is
// running the close.
func (s *Service) CloseByHand(ctx context.Context, m Month, actor auth.Actor) (Report, error) {
	if err := actor.Require(auth.ManageBilling); err != nil {
		return Report{}, err
	}
	r, ran, err := s.CloseOne(ctx, m)
	if err == nil && !ran {
		err = ErrCloseRunning
	}
	if err != nil {
		return r, err
	}
	e := actor.Entry().Of(s.Clock.Now(), audit.CloseRequested, "month", m.String())
	e.Details = map[string]any{"closed": r.Closed, "already_closed": r.AlreadyClosed, "failed": r.Failed}
	return r, audit.Record(ctx, s.DB, e)
}
