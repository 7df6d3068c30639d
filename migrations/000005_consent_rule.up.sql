-- One place for the rule "a proxy-access consent is valid on a day" (D-1):
-- sessions, the delivery list and entering a partner's account all ask this
-- function instead of repeating the date comparison.
CREATE FUNCTION proxy_consent_valid_until(p_partner_id bigint, p_day date) RETURNS date
    LANGUAGE sql STABLE
    AS $$
        SELECT max(valid_until) FROM proxy_consents
        WHERE partner_id = p_partner_id AND signed_on <= p_day AND valid_until >= p_day
    $$;
COMMENT ON FUNCTION proxy_consent_valid_until(bigint, date) IS
    'The latest valid-until of partner''s proxy-access consents valid on day (Japan date), both ends inclusive; NULL when none is.';
