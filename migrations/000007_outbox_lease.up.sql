-- The outbox sends outside the transaction that claims a message, and mail
-- carries attachments (invoice PDFs from the monthly close).
--
-- A worker claims a due message in one short statement that sets
-- lease_until and claimed_by and counts the attempt, sends with no
-- transaction open (renewing the lease while it sends), then records the
-- outcome in a second short statement that holds only while claimed_by is
-- still its own. A crashed worker stops renewing: its lease runs out and
-- another worker claims the message. internal/mail.Queue is that loop; a
-- later outbox (webhooks) reuses it on a table with the same columns
-- (id, attempts, next_attempt_at, lease_until, claimed_by, sent_at,
-- last_error).

ALTER TABLE mail_outbox
    ADD COLUMN lease_until timestamptz,
    ADD COLUMN claimed_by  text;
COMMENT ON TABLE mail_outbox IS
  'Email written inside the transaction that caused it; a worker claims a due row with a lease (lease_until, claimed_by), sends it outside any transaction and records the outcome, retrying with backoff. Attachments are in mail_attachments.';
COMMENT ON COLUMN mail_outbox.attempts IS
  'Deliveries started: counted when a worker claims the message, so that one which keeps crashing its worker is given up too.';
COMMENT ON COLUMN mail_outbox.next_attempt_at IS
  'Business time (the test clock outside production) from which the message is due.';
COMMENT ON COLUMN mail_outbox.lease_until IS
  'While a worker delivers the message: until when its claim holds, on the database clock (not the test clock); renewed while the worker runs. Past it, another worker may claim the message. NULL when no delivery is under way.';
COMMENT ON COLUMN mail_outbox.claimed_by IS
  'The latest claim: the worker (host:pid) and a token of its own. A worker records an outcome only while the claim is still its own. NULL until first claimed.';

-- A separate table keeps large PDFs out of the outbox rows that the worker
-- and the metrics scan.
CREATE TABLE mail_attachments (
    message_id   bigint NOT NULL REFERENCES mail_outbox (id) ON DELETE CASCADE,
    position     int NOT NULL,
    file_name    text NOT NULL CHECK (file_name <> ''),
    content_type text NOT NULL CHECK (content_type <> ''),
    content      bytea NOT NULL,
    PRIMARY KEY (message_id, position)
);
COMMENT ON TABLE mail_attachments IS
  'Files attached to an outbox message, written in the same statement as the message; read only when the message is sent.';
COMMENT ON COLUMN mail_attachments.position IS 'Order of the attachment in the message, from 1.';
COMMENT ON COLUMN mail_attachments.file_name IS 'The name the recipient sees, in UTF-8 (Japanese names are encoded when the message is written).';
