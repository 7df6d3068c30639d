-- Indexes for the slow paths of the voucher pages (measured by bench/ and
-- the benchmarks in internal/voucher).

-- The order list and an order's page ask, per order, whether a code is Used
-- or Cancelled (the cancel rule): most codes are Active, so this index stays
-- small and answers without reading the order's codes.
CREATE INDEX voucher_codes_order_spent ON voucher_codes (order_id, status) WHERE status IN ('used', 'cancelled');
COMMENT ON INDEX voucher_codes_order_spent IS 'Used and Cancelled codes per order: the cancel rule without reading every code.';

-- The used-codes CSV streams a partner's codes of one status in id order:
-- with the id in the index it needs no sort, whatever the number of codes.
DROP INDEX voucher_codes_partner_status;
CREATE INDEX voucher_codes_partner_status_id ON voucher_codes (partner_id, status, id);
COMMENT ON INDEX voucher_codes_partner_status_id IS 'A partner''s codes of one status in id order (CSV exports).';
