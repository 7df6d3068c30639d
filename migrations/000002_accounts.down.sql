DROP TABLE login_locks;
DROP TABLE password_resets;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE partners;
