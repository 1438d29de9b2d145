-- Logins and sign-ups are throttled per client (and per address and client),
-- not per address alone: see backend/src/accounts.rs. The per-address lock goes.
DROP TABLE login_failures;

CREATE TABLE auth_attempts (
    -- What is counted, e.g. 'login-client:203.0.113.7'.
    key           TEXT PRIMARY KEY,
    attempts      INTEGER NOT NULL,
    window_start  TEXT NOT NULL
);

-- Invites keep only the SHA-256 of their token. SQLite cannot compute it, so
-- the links of existing invites stop working: pending ones are revoked (their
-- admins create them again) and every stored token is overwritten with a value
-- no digest can equal.
ALTER TABLE invites RENAME COLUMN token TO token_hash;
UPDATE invites
SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
WHERE accepted_at IS NULL AND revoked_at IS NULL;
UPDATE invites SET token_hash = 'unusable:' || id;
