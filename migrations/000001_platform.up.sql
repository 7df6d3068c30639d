-- Platform tables: the shared test clock, the append-only audit log and the
-- mail outbox. Business tables come in later migrations.

CREATE TABLE clock_offset (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    offset_ms  bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE clock_offset IS
  'Outside production, the test clock: business time = system time + offset_ms. One row; shared by every instance.';
INSERT INTO clock_offset (id, offset_ms) VALUES (true, 0);

CREATE TABLE audit_log (
    id                    bigserial PRIMARY KEY,
    at                    timestamptz NOT NULL,
    actor_user_id         bigint,
    actor_username        text NOT NULL DEFAULT '',
    partner_id            bigint,
    acting_for_partner_id bigint,
    action                text NOT NULL,
    object_type           text NOT NULL DEFAULT '',
    object_id             text NOT NULL DEFAULT '',
    ip                    inet,
    details               jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE audit_log IS
  'Append-only record of every state change: who (actor), in whose account (partner_id), on whose behalf (acting_for_partner_id), what, when, from where.';
COMMENT ON COLUMN audit_log.partner_id IS 'The partner account the entry belongs to; NULL for operator-wide actions.';
COMMENT ON COLUMN audit_log.acting_for_partner_id IS 'Set when operator staff acted inside a partner account (proxy delivery).';
CREATE INDEX audit_log_partner_at ON audit_log (partner_id, at DESC);
CREATE INDEX audit_log_at ON audit_log (at DESC);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

CREATE TABLE mail_outbox (
    id              bigserial PRIMARY KEY,
    created_at      timestamptz NOT NULL,
    to_addrs        text[] NOT NULL CHECK (cardinality(to_addrs) > 0),
    subject         text NOT NULL,
    body_text       text NOT NULL,
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    sent_at         timestamptz,
    last_error      text NOT NULL DEFAULT ''
);
COMMENT ON TABLE mail_outbox IS
  'Email written inside the transaction that caused it; a worker claims rows with FOR UPDATE SKIP LOCKED and sends each once, retrying with backoff.';
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
