-- The monthly close (M-1 … M-8): running totals of the ledger, the month's
-- close per partner, invoices, credit notes, payments, gap-free document
-- numbers and the stored, unchangeable PDFs.

-- Two new ledger kinds. month_closed moves a closed month's net out of the
-- current balance (a balance kind); credit_note_issued lowers the unpaid
-- invoices by a credit note's total (like a payment).
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_kind_check CHECK (kind IN (
    'voucher_charge', 'cancellation_credit', 'adjustment', 'certificate_charge', 'certificate_credit',
    'month_closed', 'invoice_issued', 'payment_received', 'credit_note_issued'));

-- The running totals: one row per partner, kept by the trigger below in the
-- same transaction as each entry, so that the figures never read a
-- partner's history. balance_after is the running balance after each entry
-- (the balance history shows it on every page without a window over all rows).
CREATE TABLE ledger_totals (
    partner_id      bigint PRIMARY KEY REFERENCES partners (id),
    current_balance bigint NOT NULL DEFAULT 0,
    unpaid          bigint NOT NULL DEFAULT 0,
    entries         bigint NOT NULL DEFAULT 0
);
COMMENT ON TABLE ledger_totals IS 'Per-partner sums of ledger_entries, kept by ledger_entries_totals (B-2 figures in O(1)).';
COMMENT ON COLUMN ledger_totals.current_balance IS 'Sum of the balance kinds: −(net charges not yet invoiced).';
COMMENT ON COLUMN ledger_totals.unpaid IS 'Invoiced totals not yet paid or credited (tax included).';

ALTER TABLE ledger_entries ADD COLUMN balance_after bigint;
COMMENT ON COLUMN ledger_entries.balance_after IS 'Current balance after this entry (set by ledger_entries_totals).';

CREATE FUNCTION ledger_is_balance_kind(kind text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN kind IN ('voucher_charge', 'cancellation_credit', 'adjustment', 'certificate_charge', 'certificate_credit', 'month_closed');
COMMENT ON FUNCTION ledger_is_balance_kind IS 'Whether an entry of kind moves the current balance (otherwise it moves the unpaid invoices).';

CREATE FUNCTION ledger_entries_totals() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    balance_delta bigint := CASE WHEN ledger_is_balance_kind(NEW.kind) THEN NEW.amount ELSE 0 END;
    unpaid_delta  bigint := CASE WHEN ledger_is_balance_kind(NEW.kind) THEN 0 ELSE -NEW.amount END;
BEGIN
    INSERT INTO ledger_totals AS t (partner_id, current_balance, unpaid, entries)
    VALUES (NEW.partner_id, balance_delta, unpaid_delta, 1)
    ON CONFLICT (partner_id) DO UPDATE
        SET current_balance = t.current_balance + balance_delta,
            unpaid = t.unpaid + unpaid_delta,
            entries = t.entries + 1
    RETURNING current_balance INTO NEW.balance_after;
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_entries_totals BEFORE INSERT ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_totals();

-- Existing entries: totals and running balances as the trigger would have kept them.
INSERT INTO ledger_totals (partner_id, current_balance, unpaid, entries)
SELECT partner_id,
       coalesce(sum(amount) FILTER (WHERE ledger_is_balance_kind(kind)), 0),
       coalesce(sum(-amount) FILTER (WHERE NOT ledger_is_balance_kind(kind)), 0),
       count(*)
FROM ledger_entries GROUP BY partner_id;
ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only;
UPDATE ledger_entries l SET balance_after = r.balance
FROM (SELECT id, sum(CASE WHEN ledger_is_balance_kind(kind) THEN amount ELSE 0 END)
                 OVER (PARTITION BY partner_id ORDER BY at, id) AS balance
      FROM ledger_entries) r
WHERE r.id = l.id;
ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only;
ALTER TABLE ledger_entries ALTER COLUMN balance_after SET NOT NULL;

-- The close reads one month of every partner: by time, not by partner.
CREATE INDEX ledger_entries_at ON ledger_entries (at);

-- Gap-free numbers: a row per series, incremented inside the transaction
-- that issues the document, so that a rollback returns the number.
CREATE TABLE document_numbers (
    series text PRIMARY KEY CHECK (series IN ('invoice', 'statement', 'credit_note')),
    last   bigint NOT NULL CHECK (last >= 0)
);
INSERT INTO document_numbers (series, last) VALUES ('invoice', 0), ('statement', 0), ('credit_note', 0);
COMMENT ON TABLE document_numbers IS 'Last number issued per series (INV…, ST…, CN…); no gaps, unlike a sequence.';

-- The stored PDFs (M-6): written once, never changed.
CREATE TABLE documents (
    id         bigserial PRIMARY KEY,
    partner_id bigint NOT NULL REFERENCES partners (id),
    kind       text NOT NULL CHECK (kind IN ('invoice', 'statement', 'credit_note')),
    number     text NOT NULL UNIQUE,
    file_name  text NOT NULL,
    sha256     bytea NOT NULL CHECK (length(sha256) = 32),
    content    bytea NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX documents_partner ON documents (partner_id, id);
COMMENT ON TABLE documents IS 'Issued PDFs, stored once with their SHA-256 (M-6, 電子帳簿保存法): a correction is a new document.';
CREATE TRIGGER documents_append_only BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- One close per partner and month: the guard against billing twice.
CREATE TABLE monthly_closes (
    partner_id bigint NOT NULL REFERENCES partners (id),
    month      date NOT NULL CHECK (extract(day FROM month) = 1),
    closed_at  timestamptz NOT NULL,
    net        bigint NOT NULL,
    PRIMARY KEY (partner_id, month)
);
COMMENT ON TABLE monthly_closes IS 'A partner''s month is closed exactly once (M-2); net is tax exclusive (charges positive).';

CREATE TABLE invoices (
    id               bigserial PRIMARY KEY,
    number           text NOT NULL UNIQUE,
    partner_id       bigint NOT NULL REFERENCES partners (id),
    month            date NOT NULL,
    issued_on        date NOT NULL,
    due_on           date NOT NULL,
    payment_terms    text NOT NULL,
    statement_number text NOT NULL,
    net              bigint NOT NULL CHECK (net >= 0),
    tax              bigint NOT NULL CHECK (tax >= 0),
    total            bigint NOT NULL CHECK (total = net + tax),
    credit_applied   bigint NOT NULL DEFAULT 0 CHECK (credit_applied BETWEEN 0 AND total),
    paid             bigint NOT NULL DEFAULT 0 CHECK (paid >= 0 AND paid + credit_applied <= total),
    addressee        text NOT NULL,
    created_at       timestamptz NOT NULL,
    UNIQUE (partner_id, month)
);
CREATE INDEX invoices_issued ON invoices (issued_on, id);
CREATE INDEX invoices_partner ON invoices (partner_id, month DESC);
CREATE INDEX invoices_open ON invoices (due_on) WHERE paid + credit_applied < total;
COMMENT ON TABLE invoices IS 'One invoice per partner and closed month (M-3, M-4); paid grows with payments, nothing else changes.';

CREATE TABLE credit_notes (
    id               bigserial PRIMARY KEY,
    number           text NOT NULL UNIQUE,
    partner_id       bigint NOT NULL REFERENCES partners (id),
    month            date NOT NULL,
    issued_on        date NOT NULL,
    statement_number text NOT NULL,
    net              bigint NOT NULL CHECK (net > 0),
    tax              bigint NOT NULL CHECK (tax >= 0),
    total            bigint NOT NULL CHECK (total = net + tax),
    applied          bigint NOT NULL DEFAULT 0 CHECK (applied BETWEEN 0 AND total),
    addressee        text NOT NULL,
    created_at       timestamptz NOT NULL,
    UNIQUE (partner_id, month)
);
CREATE INDEX credit_notes_open ON credit_notes (partner_id, id) WHERE applied < total;
COMMENT ON TABLE credit_notes IS 'Return invoices (返還インボイス) of net-negative months; applied grows as later invoices use the credit.';

-- Which credit note paid how much of which invoice.
CREATE TABLE credit_applications (
    credit_note_id bigint NOT NULL REFERENCES credit_notes (id),
    invoice_id     bigint NOT NULL REFERENCES invoices (id),
    amount         bigint NOT NULL CHECK (amount > 0),
    PRIMARY KEY (credit_note_id, invoice_id)
);

CREATE TABLE payments (
    id          bigserial PRIMARY KEY,
    invoice_id  bigint NOT NULL REFERENCES invoices (id),
    partner_id  bigint NOT NULL REFERENCES partners (id),
    paid_on     date NOT NULL,
    amount      bigint NOT NULL CHECK (amount > 0),
    reference   text NOT NULL DEFAULT '',
    recorded_by bigint NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id, id);
COMMENT ON TABLE payments IS 'Payments recorded by operator Finance against an invoice (M-8).';
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- A close run per month: its progress and the partners that failed.
CREATE TABLE close_runs (
    month        date PRIMARY KEY CHECK (extract(day FROM month) = 1),
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    partners     int NOT NULL DEFAULT 0,
    closed       int NOT NULL DEFAULT 0,
    failed       int NOT NULL DEFAULT 0
);
COMMENT ON TABLE close_runs IS 'The latest run of each month''s close (M-8 progress); finished_at set when every partner is closed.';

CREATE TABLE close_failures (
    month      date NOT NULL,
    partner_id bigint NOT NULL REFERENCES partners (id),
    at         timestamptz NOT NULL,
    reason     text NOT NULL,
    PRIMARY KEY (month, partner_id)
);
COMMENT ON TABLE close_failures IS 'Why a partner''s close failed in the latest run of the month; removed when it succeeds.';
