-- End users (subscribers): the partner's customers who redeem voucher codes.
-- They are a kind of account of their own, apart from partner and operator
-- staff (users): their own table, their own one-time links and their own
-- sessions, so that a subscriber session can never be a staff principal and
-- a staff session never a subscriber.
CREATE TABLE subscribers (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL CHECK (email <> ''),
    display_name  text NOT NULL CHECK (display_name <> ''),
    password_hash text NOT NULL,
    language      text NOT NULL CHECK (language IN ('ja', 'en')),
    created_at    timestamptz NOT NULL,
    verified_at   timestamptz,
    active        boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX subscribers_email ON subscribers (lower(email));
COMMENT ON TABLE subscribers IS 'End users who redeem voucher codes; they sign in once their email address is verified.';

CREATE TABLE subscriber_verifications (
    token_hash    bytea PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id),
    next_path     text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);
CREATE INDEX subscriber_verifications_subscriber ON subscriber_verifications (subscriber_id);
COMMENT ON TABLE subscriber_verifications IS 'Single-use emailed links that verify a subscriber''s email address (SHA-256 of the token); next_path is the local page to return to.';

CREATE TABLE subscriber_sessions (
    token_hash    bytea PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id),
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    ip            inet
);
CREATE INDEX subscriber_sessions_subscriber ON subscriber_sessions (subscriber_id);
COMMENT ON TABLE subscriber_sessions IS 'Signed-in subscribers (SHA-256 of the token in the subscriber cookie); never staff sessions.';
