-- Partners, users (partner staff and operator staff), sessions, login
-- throttling and password-reset tokens.

CREATE TABLE partners (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (name <> ''),
    created_at timestamptz NOT NULL
);
COMMENT ON TABLE partners IS 'A reseller account under an OnGoing contract.';

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    email         text NOT NULL,
    display_name  text NOT NULL,
    password_hash text NOT NULL DEFAULT '',
    language      text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ja')),
    partner_id    bigint REFERENCES partners (id),
    roles         text[] NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL,
    CONSTRAINT users_roles_valid CHECK (
        cardinality(roles) > 0 AND
        CASE WHEN partner_id IS NULL
             THEN roles <@ ARRAY['sales', 'delivery', 'validation', 'finance', 'op_admin']
             ELSE roles <@ ARRAY['admin', 'finance_manager', 'standard']
        END)
);
CREATE UNIQUE INDEX users_username ON users (username);
CREATE INDEX users_partner ON users (partner_id);
COMMENT ON TABLE users IS 'Partner staff (partner_id set) and operator staff (partner_id NULL).';
COMMENT ON COLUMN users.password_hash IS 'argon2id PHC string with its parameters; empty until the user sets a password.';
COMMENT ON COLUMN users.roles IS 'Partner: admin, finance_manager, standard. Operator: sales, delivery, validation, finance, op_admin.';

CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    ip           inet
);
CREATE INDEX sessions_user ON sessions (user_id);
COMMENT ON TABLE sessions IS 'Server-side sessions; the cookie carries a random token, the table its SHA-256.';

CREATE TABLE login_failures (
    id       bigserial PRIMARY KEY,
    username text NOT NULL,
    ip       inet,
    at       timestamptz NOT NULL
);
CREATE INDEX login_failures_username_at ON login_failures (username, at);
CREATE INDEX login_failures_ip_at ON login_failures (ip, at);
COMMENT ON TABLE login_failures IS 'Failed sign-in attempts, counted per username and per client address for throttling.';

CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_resets_user ON password_resets (user_id);
COMMENT ON TABLE password_resets IS 'Single-use emailed links to set a password; valid for one hour.';

CREATE TABLE login_locks (
    username     text PRIMARY KEY,
    locked_until timestamptz NOT NULL
);
COMMENT ON TABLE login_locks IS 'A username refused sign-in until locked_until, after 5 failures within 15 minutes.';
