-- Mail to send, and the record of what was sent (see backend/src/mail/).
-- Times the queue compares in SQL are Unix milliseconds.
CREATE TABLE mails (
    id               INTEGER PRIMARY KEY,
    -- NULL for mail to a person rather than for an organization (a reset).
    organization_id  INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
    purpose          TEXT NOT NULL,        -- domain::mail::MailPurpose
    -- What asked for it: the invite or subscription, by purpose.
    about_id         INTEGER,
    sender           TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    message          BLOB NOT NULL,        -- the RFC 5322 bytes, sent as they are
    state            TEXT NOT NULL DEFAULT 'queued',  -- domain::mail::MailState
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms  INTEGER NOT NULL,
    -- A sender that claimed the mail holds it until then; past it, another
    -- may (the first one died mid-send).
    claimed_until_ms INTEGER,
    last_error       TEXT,
    -- The file the embedded transport wrote, under the outbox directory.
    outbox_file      TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX mails_due ON mails (next_attempt_ms) WHERE state = 'queued';
CREATE INDEX mails_about ON mails (purpose, about_id);
CREATE INDEX mails_by_organization ON mails (organization_id, id);

-- Password reset links: only the token's SHA-256 is kept.
CREATE TABLE password_resets (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX password_resets_by_user ON password_resets (user_id);
