-- The Services API sorts a partner's used codes by order, by the day they
-- were used or by the day they were created: an index per sort, so that a
-- page reads its rows and not the partner's whole history of used codes.
CREATE INDEX voucher_codes_used_by_order ON voucher_codes (partner_id, order_id, id) WHERE status = 'used';
CREATE INDEX voucher_codes_used_by_use ON voucher_codes (partner_id, used_at, id) WHERE status = 'used';
CREATE INDEX voucher_codes_used_by_creation ON voucher_codes (partner_id, created_at, id) WHERE status = 'used';
