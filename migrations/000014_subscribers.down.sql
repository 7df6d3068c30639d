DROP TABLE subscriber_sessions;
DROP TABLE subscriber_verifications;
DROP TABLE subscribers;
