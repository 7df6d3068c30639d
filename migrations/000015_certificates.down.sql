ALTER TABLE ledger_entries DROP COLUMN certificate_order_id;
DROP TABLE certificates;
DROP TABLE certificate_orders;
