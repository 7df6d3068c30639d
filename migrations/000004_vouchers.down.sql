ALTER TABLE sessions DROP COLUMN acting_for_partner_id;
DROP TABLE ledger_entries;
DROP TABLE voucher_codes;
DROP TABLE voucher_order_lines;
DROP TABLE voucher_orders;
