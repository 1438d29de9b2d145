-- Data management: the events and properties a project has sent, discovered
-- at ingestion, with what people wrote about them.

CREATE TABLE event_definitions (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    first_seen_at  TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    tags           TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    owner_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    verified_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    verified_at    TEXT,
    UNIQUE (project_id, name)
);

CREATE TABLE property_definitions (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('event', 'person')),
    name           TEXT NOT NULL,
    property_type  TEXT CHECK (property_type IN ('String', 'Numeric', 'Boolean', 'DateTime')),
    first_seen_at  TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    tags           TEXT NOT NULL DEFAULT '[]',
    owner_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    verified_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    verified_at    TEXT,
    UNIQUE (project_id, kind, name)
);
