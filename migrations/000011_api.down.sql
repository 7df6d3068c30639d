DROP TABLE webhook_relay;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP INDEX audit_log_txid;
ALTER TABLE audit_log DROP COLUMN txid;
DROP TABLE api_keys;
