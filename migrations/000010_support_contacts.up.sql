-- The operator's support contacts for end users, printed on vouchers (the
-- manual's voucher: 電話 and お問い合わせ), apart from the partner-facing phone,
-- fax and sales mailing list. The defaults keep an existing row valid; the
-- operator fills them in on the identity page.
ALTER TABLE operator_identity
    ADD COLUMN support_phones   text[] NOT NULL DEFAULT '{}' CHECK (array_position(support_phones, '') IS NULL),
    ADD COLUMN support_url      text NOT NULL DEFAULT '' CHECK (support_url = '' OR support_url ~ '^https?://'),
    ADD COLUMN support_hours_ja text NOT NULL DEFAULT '',
    ADD COLUMN support_hours_en text NOT NULL DEFAULT '';
COMMENT ON COLUMN operator_identity.support_phones IS 'End-user support phone numbers, in the order printed on vouchers.';
COMMENT ON COLUMN operator_identity.support_url IS 'End-user contact page (http:// or https://) printed on vouchers; empty until set.';
COMMENT ON COLUMN operator_identity.support_hours_ja IS 'Support hours printed on Japanese vouchers; optional.';
COMMENT ON COLUMN operator_identity.support_hours_en IS 'Support hours printed on English vouchers; optional.';
