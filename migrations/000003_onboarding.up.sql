-- Onboarding and the contract: sign-ups, the operator's identity, the
-- product catalogue, versioned contracts with their price entries, and the
-- partner's settings (billing contact, payment settings, balance
-- notification, management groups, proxy-access consents).

ALTER TABLE partners
    ADD COLUMN country             text NOT NULL DEFAULT 'JP',
    ADD COLUMN balance_threshold   bigint CHECK (balance_threshold >= 0),
    ADD COLUMN notification_emails text[] NOT NULL DEFAULT '{}';
COMMENT ON COLUMN partners.balance_threshold IS 'Email the notification addresses when total available funds fall below this (JPY); NULL = off.';

CREATE TABLE signups (
    id              bigserial PRIMARY KEY,
    created_at      timestamptz NOT NULL,
    language        text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ja')),
    first_name      text NOT NULL,
    last_name       text NOT NULL,
    job_title       text NOT NULL,
    email           text NOT NULL,
    phone           text NOT NULL,
    job_function    text NOT NULL,
    training_opt_in boolean NOT NULL,
    company_name    text NOT NULL,
    country         text NOT NULL,
    state           text NOT NULL,
    city            text NOT NULL,
    street          text NOT NULL,
    postal_code     text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reviewed_by     bigint REFERENCES users (id),
    reviewed_at     timestamptz,
    reject_reason   text NOT NULL DEFAULT '',
    partner_id      bigint REFERENCES partners (id)
);
CREATE INDEX signups_pending ON signups (created_at) WHERE status = 'pending';
COMMENT ON TABLE signups IS 'Public sign-up applications (O-1), reviewed by operator Sales (O-2).';

CREATE TABLE management_groups (
    id         bigserial PRIMARY KEY,
    partner_id bigint NOT NULL REFERENCES partners (id),
    name       text NOT NULL CHECK (name <> ''),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL,
    UNIQUE (partner_id, name)
);
COMMENT ON TABLE management_groups IS 'A partner''s named groups; the name is the invoice addressee (S-3).';

CREATE TABLE operator_identity (
    id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
    name_ja             text NOT NULL,
    name_en             text NOT NULL,
    postal_code         text NOT NULL,
    address_ja          text NOT NULL,
    address_en          text NOT NULL,
    phone               text NOT NULL,
    fax                 text NOT NULL,
    registration_number text NOT NULL CHECK (registration_number ~ '^T[0-9]{13}$'),
    bank_name           text NOT NULL,
    bank_branch         text NOT NULL,
    bank_branch_number  text NOT NULL,
    account_type        text NOT NULL CHECK (account_type IN ('ordinary', 'current')),
    account_number      text NOT NULL,
    account_holder      text NOT NULL,
    sales_mailing_list  text NOT NULL,
    updated_at          timestamptz NOT NULL
);
COMMENT ON TABLE operator_identity IS 'The operator''s details printed on invoices and vouchers; one row.';

CREATE TABLE products (
    id              bigserial PRIMARY KEY,
    code            text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_]{2,64}$'),
    name_ja         text NOT NULL CHECK (name_ja <> ''),
    name_en         text NOT NULL CHECK (name_en <> ''),
    kind            text NOT NULL CHECK (kind IN ('dv', 'ov', 'ev', 'code_signing', 'ev_code_signing', 'hardware_token')),
    takes_fqdns     boolean NOT NULL,
    takes_wildcards boolean NOT NULL,
    ships_token     boolean NOT NULL,
    max_years       int NOT NULL CHECK (max_years BETWEEN 1 AND 6),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL,
    CHECK (takes_fqdns OR NOT takes_wildcards)
);
COMMENT ON TABLE products IS 'The operator''s product catalogue (O-3); code is stable and appears in voucher links.';

CREATE TABLE contract_versions (
    id             bigserial PRIMARY KEY,
    partner_id     bigint NOT NULL REFERENCES partners (id),
    effective_from date NOT NULL,
    start_date     date NOT NULL,
    end_date       date NOT NULL CHECK (end_date >= start_date),
    payment_terms  text NOT NULL CHECK (payment_terms IN ('NET45', 'NET50', 'NET60', 'NET30EOM', 'NET60EOM', 'NET90EOM')),
    credit_limit   bigint NOT NULL CHECK (credit_limit >= 0),
    tax_rate       int NOT NULL CHECK (tax_rate BETWEEN 0 AND 100),
    created_at     timestamptz NOT NULL,
    created_by     bigint NOT NULL REFERENCES users (id),
    note           text NOT NULL DEFAULT ''
);
CREATE INDEX contract_versions_partner ON contract_versions (partner_id, effective_from DESC, id DESC);
COMMENT ON TABLE contract_versions IS
  'OnGoing contract terms (O-4). Every change is a new row effective from a date; rows are never changed. The version in force on a day is the latest created among those effective on or before it.';
COMMENT ON COLUMN contract_versions.tax_rate IS 'Consumption-tax rate in percent (10).';

CREATE TABLE price_entries (
    version_id         bigint NOT NULL REFERENCES contract_versions (id),
    product_id         bigint NOT NULL REFERENCES products (id),
    years              int NOT NULL CHECK (years BETWEEN 1 AND 6),
    list_price         bigint NOT NULL CHECK (list_price >= 0),
    discount_bp        int NOT NULL CHECK (discount_bp BETWEEN 0 AND 10000),
    base_price         bigint NOT NULL CHECK (base_price >= 0),
    additional_fqdn    bigint NOT NULL CHECK (additional_fqdn >= 0),
    wildcard           bigint NOT NULL CHECK (wildcard >= 0),
    PRIMARY KEY (version_id, product_id, years)
);
COMMENT ON TABLE price_entries IS 'The price table of a contract version (O-5), integer yen, tax exclusive.';
COMMENT ON COLUMN price_entries.discount_bp IS 'Discount rate in basis points (3000 = 30.00%).';

CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER contract_versions_append_only BEFORE UPDATE OR DELETE ON contract_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER price_entries_append_only BEFORE UPDATE OR DELETE ON price_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE billing_contacts (
    partner_id   bigint PRIMARY KEY REFERENCES partners (id),
    name         text NOT NULL,
    organization text NOT NULL,
    country      text NOT NULL,
    address1     text NOT NULL,
    address2     text NOT NULL,
    city         text NOT NULL,
    state        text NOT NULL,
    postal_code  text NOT NULL,
    emails       text[] NOT NULL CHECK (cardinality(emails) > 0),
    phone        text NOT NULL,
    updated_at   timestamptz NOT NULL
);
COMMENT ON TABLE billing_contacts IS 'Who receives the invoices (S-2); a partner without a row has not confirmed one yet.';

CREATE TABLE payment_settings (
    partner_id      bigint PRIMARY KEY REFERENCES partners (id),
    allowed_methods text[] NOT NULL,
    default_method  text NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK (default_method = ANY (allowed_methods)),
    CHECK (allowed_methods <@ ARRAY['account_balance', 'credit_card', 'bank_transfer'])
);
COMMENT ON TABLE payment_settings IS 'Allowed and default payment methods (S-4); OnGoing partners use the account balance only.';

CREATE TABLE proxy_consents (
    id          bigserial PRIMARY KEY,
    partner_id  bigint NOT NULL REFERENCES partners (id),
    signed_on   date NOT NULL,
    valid_until date NOT NULL CHECK (valid_until >= signed_on),
    recorded_by bigint NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL,
    note        text NOT NULL DEFAULT ''
);
CREATE INDEX proxy_consents_partner ON proxy_consents (partner_id, valid_until DESC);
COMMENT ON TABLE proxy_consents IS 'Signed consents to proxy delivery (D-1), recorded by operator Sales.';
