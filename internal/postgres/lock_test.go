package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

func TestOnlyOneHolderOfATryLockRunsTheJob(t *testing.T) {
	pool := postgrestest.NewPool(t)
	ctx := context.Background()
	key := postgres.LockKey("monthly-close")
	if key != postgres.LockKey("monthly-close") || key == postgres.LockKey("other-job") {
		t.Fatal("keys are not derived from names alone")
	}
	inside, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		_, err := postgres.WithTryLock(ctx, pool, key, func(context.Context) error {
			close(inside)
			<-release
			return nil
		})
		first <- err
	}()
	<-inside
	ran, err := postgres.WithTryLock(ctx, pool, key, func(context.Context) error { return nil })
	if ran || err != nil {
		t.Errorf("second holder while the first runs: ran %v, %v", ran, err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	// Released, also when the job fails: the next caller runs.
	boom := errors.New("boom")
	if ran, err := postgres.WithTryLock(ctx, pool, key, func(context.Context) error { return boom }); !ran || !errors.Is(err, boom) {
		t.Errorf("after release: ran %v, %v", ran, err)
	}
	if ran, err := postgres.WithTryLock(ctx, pool, key, func(context.Context) error { return nil }); !ran || err != nil {
		t.Errorf("after a failed job: ran %v, %v", ran, err)
	}
}
