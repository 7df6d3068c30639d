DROP TABLE mail_attachments;
ALTER TABLE mail_outbox
    DROP COLUMN claimed_by,
    DROP COLUMN lease_until;
COMMENT ON COLUMN mail_outbox.next_attempt_at IS NULL;
COMMENT ON COLUMN mail_outbox.attempts IS NULL;
COMMENT ON TABLE mail_outbox IS
  'Email written inside the transaction that caused it; a worker claims rows with FOR UPDATE SKIP LOCKED and sends each once, retrying with backoff.';
