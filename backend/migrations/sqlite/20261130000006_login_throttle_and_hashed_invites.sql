-- Logins and sign-ups are throttled per client (and per address and client),
-- not per address alone: see backend/src/accounts.rs. The per-address lock goes.
DROP TABLE login_failures;

CREATE TABLE auth_attempts (
    -- What is counted, e.g. 'login-client:203.0.113.7'.
    key           TEXT PRIMARY KEY,
    attempts      INTEGER NOT NULL,
    window_start  TEXT NOT NULL
);
