package audit

import (
	"context"
	"net/netip"
	"time"

	"github.com/ccp-partner/portal/internal/postgres"
)

// UnderLimit reports whether fewer than max entries of action came from ip
// in the window before now: the per-address limit on actions that email an
// address typed by a stranger (sign-up, password reset). It first takes a
// transaction lock on (action, ip), held until q's transaction ends, so
// that concurrent requests from one address are counted one after another
// and the caller's own entry, written in the same transaction, is seen by
// the next: the cap holds under concurrency. An invalid ip is never limited.
func UnderLimit(ctx context.Context, q postgres.Querier, action Action, ip netip.Addr, now time.Time, window time.Duration, max int) (bool, error) {
	if !ip.IsValid() {
		return true, nil
	}
	if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, action, ip.String()); err != nil {
		return false, err
	}
	var recent int
	err := q.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND ip = $2 AND at > $3`,
		action, ip, now.Add(-window)).Scan(&recent)
	return recent < max, err
}
