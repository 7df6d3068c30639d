-- Subscribers' password resets: single-use emailed links, like the staff's
-- password_resets but for the subscribers' own table.
CREATE TABLE subscriber_password_resets (
    token_hash    bytea PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id),
    next_path     text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);
CREATE INDEX subscriber_password_resets_subscriber ON subscriber_password_resets (subscriber_id, created_at);
COMMENT ON TABLE subscriber_password_resets IS 'Single-use emailed links that set a subscriber''s password (SHA-256 of the token); next_path is the local page to return to after signing in again.';
