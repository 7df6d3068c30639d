-- Vouchers and the ledger: voucher orders with their lines and codes, the
-- append-only ledger of the account balance, and proxy delivery sessions.

CREATE TABLE voucher_orders (
    id                  bigserial PRIMARY KEY,
    partner_id          bigint NOT NULL REFERENCES partners (id),
    group_id            bigint NOT NULL REFERENCES management_groups (id),
    contract_version_id bigint NOT NULL REFERENCES contract_versions (id),
    created_at          timestamptz NOT NULL,
    order_date          date NOT NULL,
    expires_on          date NOT NULL,
    customer            text NOT NULL DEFAULT '',
    memo                text NOT NULL DEFAULT '',
    total               bigint NOT NULL CHECK (total >= 0),
    tax_rate            int NOT NULL,
    status              text NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'cancelled')),
    cancelled_at        timestamptz,
    created_by          bigint NOT NULL REFERENCES users (id),
    on_behalf           boolean NOT NULL DEFAULT false,
    idempotency_key     text NOT NULL,
    UNIQUE (partner_id, idempotency_key)
);
CREATE INDEX voucher_orders_partner ON voucher_orders (partner_id, id DESC);
CREATE INDEX voucher_orders_partner_date ON voucher_orders (partner_id, order_date);
COMMENT ON TABLE voucher_orders IS 'Voucher orders (V-1); ids are sequential; total is tax exclusive; a double submit is caught by idempotency_key.';
COMMENT ON COLUMN voucher_orders.expires_on IS 'Voucher expiry: order date (Japan) + 1 year - 1 day (V-2).';
COMMENT ON COLUMN voucher_orders.on_behalf IS 'Created by operator delivery staff inside the partner''s account (D-1).';

CREATE TABLE voucher_order_lines (
    order_id    bigint NOT NULL REFERENCES voucher_orders (id),
    line_no     int NOT NULL,
    product_id  bigint NOT NULL REFERENCES products (id),
    years       int NOT NULL CHECK (years BETWEEN 1 AND 6),
    fqdns       int NOT NULL CHECK (fqdns BETWEEN 0 AND 250),
    wildcards   int NOT NULL CHECK (wildcards BETWEEN 0 AND 250),
    quantity    int NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
    ship_token  boolean NOT NULL DEFAULT false,
    unit_price  bigint NOT NULL CHECK (unit_price >= 0),
    amount      bigint NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (order_id, line_no)
);
COMMENT ON TABLE voucher_order_lines IS 'What an order bought, at the prices of its contract version.';

CREATE TABLE voucher_codes (
    id           bigserial PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES voucher_orders (id),
    line_no      int NOT NULL,
    partner_id   bigint NOT NULL REFERENCES partners (id),
    code         text NOT NULL UNIQUE CHECK (code ~ '^[A-Z2-7]{32}$'),
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'used', 'cancelled', 'reissued')),
    used_at      timestamptz,
    replaces     bigint REFERENCES voucher_codes (id),
    created_at   timestamptz NOT NULL,
    FOREIGN KEY (order_id, line_no) REFERENCES voucher_order_lines (order_id, line_no)
);
CREATE INDEX voucher_codes_order ON voucher_codes (order_id, id);
CREATE INDEX voucher_codes_partner_status ON voucher_codes (partner_id, status);
COMMENT ON TABLE voucher_codes IS 'One code per unit (V-2). Expired is derived from the order''s expires_on; a reissued code is replaced by the row whose replaces points at it (V-7).';

CREATE TABLE ledger_entries (
    id               bigserial PRIMARY KEY,
    partner_id       bigint NOT NULL REFERENCES partners (id),
    group_id         bigint REFERENCES management_groups (id),
    at               timestamptz NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('voucher_charge', 'cancellation_credit', 'adjustment',
                                                   'certificate_charge', 'certificate_credit', 'invoice_issued', 'payment_received')),
    amount           bigint NOT NULL,
    voucher_order_id bigint REFERENCES voucher_orders (id),
    reason           text NOT NULL DEFAULT '',
    created_by       bigint REFERENCES users (id)
);
CREATE INDEX ledger_entries_partner ON ledger_entries (partner_id, at, id);
COMMENT ON TABLE ledger_entries IS 'Append-only account ledger (B-1). amount is the effect on the balance in yen: charges negative, credits positive.';

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

ALTER TABLE sessions ADD COLUMN acting_for_partner_id bigint REFERENCES partners (id);
COMMENT ON COLUMN sessions.acting_for_partner_id IS 'Operator delivery staff working inside this partner''s account (D-1).';
