-- Dashboards, their tiles and collaborators; private projects; each
-- project's primary dashboard.

ALTER TABLE projects ADD COLUMN private INTEGER NOT NULL DEFAULT 0;

-- Members listed on a private project (owners and admins need no row).
CREATE TABLE project_members (
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE dashboards (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    tags              TEXT NOT NULL DEFAULT '[]',
    pinned            INTEGER NOT NULL DEFAULT 0,
    restriction       TEXT NOT NULL DEFAULT 'everyone' CHECK (restriction IN ('everyone', 'invited')),
    created_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL,
    last_modified_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    last_modified_at  TEXT NOT NULL,
    deleted_at        TEXT            -- set on delete; undo clears it
);
CREATE INDEX dashboards_by_project ON dashboards (project_id);

ALTER TABLE projects ADD COLUMN primary_dashboard_id INTEGER REFERENCES dashboards (id) ON DELETE SET NULL;

CREATE TABLE dashboard_tiles (
    id            INTEGER PRIMARY KEY,
    dashboard_id  INTEGER NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
    insight_id    INTEGER REFERENCES insights (id) ON DELETE CASCADE,
    text          TEXT,               -- Markdown, for text tiles
    x             INTEGER NOT NULL,
    y             INTEGER NOT NULL,
    w             INTEGER NOT NULL,
    h             INTEGER NOT NULL,
    CHECK ((insight_id IS NULL) <> (text IS NULL))
);
CREATE INDEX dashboard_tiles_by_insight ON dashboard_tiles (insight_id);

CREATE TABLE dashboard_collaborators (
    dashboard_id  INTEGER NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (dashboard_id, user_id)
);

-- When each person last opened each project's home: "new since your last visit".
CREATE TABLE project_visits (
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id     INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    last_visit_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, project_id)
);
