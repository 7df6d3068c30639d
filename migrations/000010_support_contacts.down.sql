ALTER TABLE operator_identity
    DROP COLUMN support_hours_en,
    DROP COLUMN support_hours_ja,
    DROP COLUMN support_url,
    DROP COLUMN support_phones;
