-- Automation: API keys that act as their user (X-DC-DEVKEY), and webhooks
-- derived from the audit log.

CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    partner_id   bigint NOT NULL REFERENCES partners (id),
    user_id      bigint NOT NULL REFERENCES users (id),
    name         text NOT NULL CHECK (name <> ''),
    prefix       text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    read_only    boolean NOT NULL DEFAULT false,
    expires_at   timestamptz,
    created_at   timestamptz NOT NULL,
    created_by   bigint NOT NULL REFERENCES users (id),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    rate_window  timestamptz,
    rate_count   int NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_partner ON api_keys (partner_id, id);
COMMENT ON TABLE api_keys IS
  'Keys of the Services API (X-DC-DEVKEY). A key acts as its user, with the user''s roles and partner; a deactivated user''s keys stop working. Only the SHA-256 of the key is stored.';
COMMENT ON COLUMN api_keys.prefix IS 'The first characters of the key, shown in the list so that a key can be recognised.';
COMMENT ON COLUMN api_keys.read_only IS 'A read-only key is refused (403) on every request that changes something.';
COMMENT ON COLUMN api_keys.rate_window IS 'Start of the current rate-limit minute (business time); rate_count counts its requests.';

-- The webhook relay reads the audit log in commit order: every row carries
-- the id of the transaction that wrote it, and a row is relayed once every
-- transaction with a smaller id has ended (pg_snapshot_xmin).
ALTER TABLE audit_log ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX audit_log_txid ON audit_log (txid);
COMMENT ON COLUMN audit_log.txid IS
  'The writing transaction: the webhook relay reads entries whose transactions have all ended, so that none committed late is skipped.';

CREATE TABLE webhook_endpoints (
    id         bigserial PRIMARY KEY,
    partner_id bigint NOT NULL REFERENCES partners (id),
    url        text NOT NULL CHECK (url LIKE 'https://%' OR url LIKE 'http://%'),
    events     text[] NOT NULL,
    secret     text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL,
    created_by bigint NOT NULL REFERENCES users (id)
);
CREATE INDEX webhook_endpoints_partner ON webhook_endpoints (partner_id) WHERE active;
COMMENT ON TABLE webhook_endpoints IS
  'A partner''s HTTPS endpoints and the events each receives; deliveries are signed with secret (HMAC-SHA256).';

CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    endpoint_id     bigint NOT NULL REFERENCES webhook_endpoints (id),
    event_id        text NOT NULL UNIQUE,
    event_type      text NOT NULL,
    audit_id        bigint,
    payload         text NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    claimed_by      text,
    sent_at         timestamptz,
    last_error      text NOT NULL DEFAULT '',
    UNIQUE (endpoint_id, audit_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE sent_at IS NULL;
COMMENT ON TABLE webhook_deliveries IS
  'The webhook outbox: one row per event and endpoint, claimed with a lease and retried with backoff (internal/mail.Queue). event_id is the receiver''s deduplication key.';

CREATE TABLE webhook_attempts (
    id          bigserial PRIMARY KEY,
    delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id),
    endpoint_id bigint NOT NULL REFERENCES webhook_endpoints (id),
    at          timestamptz NOT NULL,
    status      int NOT NULL,
    response    text NOT NULL DEFAULT '',
    error       text NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id DESC);
COMMENT ON TABLE webhook_attempts IS 'The delivery log: every attempt with the receiver''s status and the start of its answer (status 0: no answer).';

CREATE TABLE webhook_relay (
    id         int PRIMARY KEY CHECK (id = 1),
    done_below xid8 NOT NULL
);
INSERT INTO webhook_relay (id, done_below) VALUES (1, pg_snapshot_xmin(pg_current_snapshot()));
COMMENT ON TABLE webhook_relay IS
  'The relay''s cursor: audit entries of transactions below done_below have been turned into deliveries.';
