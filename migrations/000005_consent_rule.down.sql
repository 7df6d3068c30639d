DROP FUNCTION proxy_consent_valid_until(bigint, date);
