-- Quotes (Q-1 … Q-4): a partner's quotes priced from its contract, with
-- the prices frozen when saved, and their gap-free numbers.

-- Gap-free quote numbers (Q0000001 …): a row per series, incremented inside
-- the transaction that saves the quote, so that a rollback returns the
-- number (a sequence would leave a gap).
CREATE TABLE quote_numbers (
    series text PRIMARY KEY CHECK (series IN ('quote')),
    last   bigint NOT NULL CHECK (last >= 0)
);
INSERT INTO quote_numbers (series, last) VALUES ('quote', 0);
COMMENT ON TABLE quote_numbers IS 'Last quote number issued per series; no gaps, unlike a sequence.';

CREATE TABLE quotes (
    id                  bigserial PRIMARY KEY,
    number              text NOT NULL UNIQUE CHECK (number ~ '^Q[0-9]+$'),
    partner_id          bigint NOT NULL REFERENCES partners (id),
    group_id            bigint NOT NULL REFERENCES management_groups (id),
    contract_version_id bigint NOT NULL REFERENCES contract_versions (id),
    kind                text NOT NULL CHECK (kind IN ('product', 'credit')),
    memo                text NOT NULL DEFAULT '',
    subtotal            bigint NOT NULL CHECK (subtotal >= 0),
    tax_rate            int NOT NULL CHECK (tax_rate BETWEEN 0 AND 100),
    tax                 bigint NOT NULL CHECK (tax >= 0),
    total               bigint NOT NULL CHECK (total = subtotal + tax),
    saved_at            timestamptz NOT NULL,
    saved_on            date NOT NULL,
    expires_on          date NOT NULL CHECK (expires_on = saved_on + 30),
    status              text NOT NULL DEFAULT 'saved' CHECK (status IN ('saved', 'ordered')),
    voucher_order_id    bigint REFERENCES voucher_orders (id),
    ordered_at          timestamptz,
    created_by          bigint NOT NULL REFERENCES users (id),
    on_behalf           boolean NOT NULL DEFAULT false,
    deleted_at          timestamptz,
    deleted_by          bigint REFERENCES users (id),
    idempotency_key     text NOT NULL,
    UNIQUE (partner_id, idempotency_key),
    CHECK ((status = 'ordered') = (voucher_order_id IS NOT NULL AND ordered_at IS NOT NULL)),
    CHECK (status = 'saved' OR deleted_at IS NULL),
    CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
);
CREATE INDEX quotes_partner ON quotes (partner_id, id DESC) WHERE deleted_at IS NULL;
COMMENT ON TABLE quotes IS 'Quotes (Q-1): priced from contract_version_id when saved; the amounts never change afterwards. Tax exclusive subtotal, tax rounded down once.';
COMMENT ON COLUMN quotes.memo IS 'The partner''s internal description; never printed on the quote.';
COMMENT ON COLUMN quotes.expires_on IS 'Saved date (Japan) + 30 days; the quote is Expired from the next day (Q-2).';
COMMENT ON COLUMN quotes.status IS 'saved or ordered (its vouchers were ordered: voucher_order_id); Expired is derived from expires_on.';
COMMENT ON COLUMN quotes.deleted_at IS 'Deleted by the partner (Q-3): hidden everywhere and never restored; the row keeps its number accounted for.';

CREATE TABLE quote_lines (
    quote_id        bigint NOT NULL REFERENCES quotes (id),
    line_no         int NOT NULL CHECK (line_no >= 1),
    product_id      bigint NOT NULL REFERENCES products (id),
    product_name_ja text NOT NULL,
    product_name_en text NOT NULL,
    years           int NOT NULL CHECK (years BETWEEN 1 AND 6),
    fqdns           int NOT NULL CHECK (fqdns BETWEEN 0 AND 250),
    wildcards       int NOT NULL CHECK (wildcards BETWEEN 0 AND 250),
    quantity        int NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
    ship_token      boolean NOT NULL DEFAULT false,
    unit_price      bigint NOT NULL CHECK (unit_price >= 0),
    amount          bigint NOT NULL CHECK (amount = unit_price * quantity),
    PRIMARY KEY (quote_id, line_no)
);
COMMENT ON TABLE quote_lines IS 'A product quote''s lines at the unit prices of its contract version, frozen when saved, with the product names as printed.';
