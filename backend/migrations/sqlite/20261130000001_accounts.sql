-- Accounts, organizations, projects and invites.
-- Timestamps are UTC, written by the application.

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE projects (
    id               INTEGER PRIMARY KEY,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    api_token        TEXT NOT NULL UNIQUE,
    created_at       TEXT NOT NULL
);
CREATE INDEX projects_by_organization ON projects (organization_id);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    password_hash    TEXT NOT NULL,
    -- Only a remembered default for "/": the project always comes from the URL.
    last_project_id  INTEGER REFERENCES projects (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL
);

CREATE TABLE memberships (
    organization_id  INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at        TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE invites (
    id               INTEGER PRIMARY KEY,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    token            TEXT NOT NULL UNIQUE,
    invited_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    accepted_at      TEXT,
    accepted_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    revoked_at       TEXT
);
CREATE INDEX invites_by_organization ON invites (organization_id);

-- Failed logins per email address, to slow down password guessing.
CREATE TABLE login_failures (
    email         TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    first_failed  TEXT NOT NULL,
    locked_until  TEXT
);
