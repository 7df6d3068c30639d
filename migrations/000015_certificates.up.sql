-- Certificate orders (C-1 … C-5): a voucher code redeemed by an end user, or
-- a partner's direct order charged to its balance, with the request (the
-- CSR and its names), the validation decision and the certificates issued
-- for it by the portal's issuing CA.
CREATE TABLE certificate_orders (
    id              bigserial PRIMARY KEY,
    partner_id      bigint NOT NULL REFERENCES partners (id),
    group_id        bigint REFERENCES management_groups (id),
    subscriber_id   bigint REFERENCES subscribers (id),
    voucher_code_id bigint REFERENCES voucher_codes (id),
    requested_by    bigint REFERENCES users (id),
    product_id      bigint NOT NULL REFERENCES products (id),
    years           int NOT NULL CHECK (years BETWEEN 1 AND 6),
    fqdns           int NOT NULL CHECK (fqdns BETWEEN 0 AND 250),
    wildcards       int NOT NULL CHECK (wildcards BETWEEN 0 AND 250),
    price           bigint NOT NULL DEFAULT 0 CHECK (price >= 0),
    tax_rate        int NOT NULL DEFAULT 10 CHECK (tax_rate BETWEEN 0 AND 100),
    common_name     text NOT NULL CHECK (common_name <> ''),
    names           text[] NOT NULL,
    csr_pem         text NOT NULL,
    key_name        text NOT NULL,
    organization    text NOT NULL DEFAULT '',
    locality        text NOT NULL DEFAULT '',
    province        text NOT NULL DEFAULT '',
    country         text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'issued', 'rejected', 'cancelled')),
    requested_at    timestamptz NOT NULL,
    decided_at      timestamptz,
    decided_by      bigint REFERENCES users (id),
    reject_reason   text NOT NULL DEFAULT '',
    plan_ends_at    timestamptz,
    cancelled_at    timestamptz,
    -- A direct order's form key: a double submit makes one order.
    idempotency_key text,
    UNIQUE (partner_id, idempotency_key),
    -- A voucher order is the end user's; a direct order is the partner's.
    CHECK ((voucher_code_id IS NOT NULL AND subscriber_id IS NOT NULL AND price = 0)
        OR (voucher_code_id IS NULL AND requested_by IS NOT NULL))
);
-- One live order per code: a second redemption of a code can never make a
-- second order, whatever the code's row says.
CREATE UNIQUE INDEX certificate_orders_live_code ON certificate_orders (voucher_code_id)
    WHERE voucher_code_id IS NOT NULL AND status IN ('pending', 'issued');
CREATE INDEX certificate_orders_subscriber ON certificate_orders (subscriber_id, id) WHERE subscriber_id IS NOT NULL;
CREATE INDEX certificate_orders_partner ON certificate_orders (partner_id, id);
CREATE INDEX certificate_orders_pending ON certificate_orders (id) WHERE status = 'pending';
CREATE INDEX certificate_orders_code ON certificate_orders (voucher_code_id, id) WHERE voucher_code_id IS NOT NULL;
COMMENT ON TABLE certificate_orders IS 'Certificate requests: redeemed voucher codes (subscriber_id, voucher_code_id) and partners'' direct orders (requested_by, price charged to the balance).';

CREATE TABLE certificates (
    id           bigserial PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES certificate_orders (id),
    serial       text NOT NULL UNIQUE CHECK (serial ~ '^[0-9a-f]{1,40}$'),
    der          bytea NOT NULL,
    not_before   timestamptz NOT NULL,
    not_after    timestamptz NOT NULL,
    issued_at    timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX certificates_order ON certificates (order_id, id);
CREATE INDEX certificates_revoked ON certificates (not_after) WHERE revoked_at IS NOT NULL;
COMMENT ON TABLE certificates IS 'Certificates issued by the portal''s CA for an order (a reissue within the plan adds a row); revoked_at puts one on the CRL.';

ALTER TABLE ledger_entries ADD COLUMN certificate_order_id bigint REFERENCES certificate_orders (id);
CREATE INDEX ledger_entries_certificate_order ON ledger_entries (certificate_order_id) WHERE certificate_order_id IS NOT NULL;
