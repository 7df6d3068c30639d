-- The balance history filtered by type reads one index range, newest first,
-- however long the partner's history.
CREATE INDEX ledger_entries_partner_kind ON ledger_entries (partner_id, kind, at, id);
