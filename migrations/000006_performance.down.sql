DROP INDEX voucher_codes_partner_status_id;
CREATE INDEX voucher_codes_partner_status ON voucher_codes (partner_id, status);
DROP INDEX voucher_codes_order_spent;
