package webhook

import (
	"context"

	"github.com/ccp-partner/portal/internal/postgres"
)

// Relay turns the audit entries written since the last run into
// deliveries, one per active endpoint of the entry's partner that chose
// its event (and existed when it happened), and returns how many it
// queued. Entries commit out of id order, so the cursor is a transaction
// id: the relay reads every committed entry from the cursor on, and moves
// the cursor only up to the oldest transaction still running (the
// snapshot's xmin), so that an entry committing later is read on a later
// run, never skipped. Entries after the cursor are read again until it
// passes them; (endpoint, entry) is unique, so each event is queued
// exactly once however often it is read and however many instances run
// the relay.
func (s *Service) Relay(ctx context.Context) (int64, error) {
	var queued int64
	err := postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		var below string
		if err := q.QueryRow(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text`).Scan(&below); err != nil {
			return err
		}
		var from string
		if err := q.QueryRow(ctx, `SELECT done_below::text FROM webhook_relay WHERE id = 1 FOR UPDATE`).Scan(&from); err != nil {
			return err
		}
		actions, events := sourceLists()
		tag, err := q.Exec(ctx, `
			INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, audit_id, payload, created_at, next_attempt_at)
			SELECT e.id, ev.id, ev.type, a.id,
			       json_build_object('id', ev.id, 'type', ev.type, 'created_at', a.at,
			           'data', json_build_object('object_type', a.object_type, 'object_id', a.object_id, 'details', a.details))::text,
			       $4, $4
			FROM audit_log a
			JOIN unnest($2::text[], $3::text[]) m(action, type) ON m.action = a.action
			JOIN webhook_endpoints e ON e.partner_id = a.partner_id AND e.active AND m.type = ANY (e.events) AND a.at >= e.created_at
			CROSS JOIN LATERAL (SELECT 'evt_' || replace(gen_random_uuid()::text, '-', '') AS id, m.type AS type) ev
			WHERE a.txid >= $1::xid8
			ORDER BY a.id
			ON CONFLICT (endpoint_id, audit_id) DO NOTHING`, from, actions, events, s.Clock.Now())
		if err != nil {
			return err
		}
		queued = tag.RowsAffected()
		return advance(ctx, q, from, below, queued)
	})
	return queued, err
}

// rescanLimit is how many audit entries after the cursor the relay reads
// again before it moves the cursor even though it queued nothing.
const rescanLimit = 1000

// advance moves the cursor to below when the run queued deliveries or the
// entries after the cursor reach rescanLimit: a run that found nothing
// writes nothing (the database stays as it was, as tests of refused
// requests check), at the cost of reading a bounded tail again.
func advance(ctx context.Context, q postgres.Querier, from, below string, queued int64) error {
	if queued == 0 {
		var tail int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM audit_log WHERE txid >= $1::xid8 LIMIT $2) t`,
			from, rescanLimit).Scan(&tail); err != nil || tail < rescanLimit {
			return err
		}
	}
	_, err := q.Exec(ctx, `UPDATE webhook_relay SET done_below = greatest(done_below, $1::xid8) WHERE id = 1 AND done_below < $1::xid8`, below)
	return err
}

func sourceLists() (actions, events []string) {
	for a, e := range sources {
		actions, events = append(actions, string(a)), append(events, e)
	}
	return actions, events
}
