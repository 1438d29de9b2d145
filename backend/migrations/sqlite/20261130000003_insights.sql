-- Saved insights, who starred and viewed them, and the definitions they use.

CREATE TABLE insights (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    short_id          TEXT NOT NULL,
    name              TEXT,                       -- NULL: show derived_name
    derived_name      TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    tags              TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    query             TEXT NOT NULL,              -- JSON, PostHog's query shape
    created_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL,
    last_modified_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    last_modified_at  TEXT NOT NULL,
    deleted           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (project_id, short_id)
);

CREATE TABLE insight_favorites (
    insight_id  INTEGER NOT NULL REFERENCES insights (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (insight_id, user_id)
);

-- One row per person and insight: the project home and onboarding read it.
CREATE TABLE insight_views (
    insight_id      INTEGER NOT NULL REFERENCES insights (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_viewed_at  TEXT NOT NULL,
    views           INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (insight_id, user_id)
);
CREATE INDEX insight_views_by_user ON insight_views (user_id, last_viewed_at);

-- What an insight reads, so definitions can list the insights using them.
CREATE TABLE insight_definitions (
    insight_id  INTEGER NOT NULL REFERENCES insights (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('event', 'event_property', 'person_property')),
    name        TEXT NOT NULL,
    PRIMARY KEY (insight_id, kind, name)
);
CREATE INDEX insight_definitions_by_name ON insight_definitions (kind, name);
