-- Public links to insights and dashboards (see backend/src/meta/sharing.rs).
CREATE TABLE shares (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    insight_id    INTEGER UNIQUE REFERENCES insights (id) ON DELETE CASCADE,
    dashboard_id  INTEGER UNIQUE REFERENCES dashboards (id) ON DELETE CASCADE,
    enabled       INTEGER NOT NULL DEFAULT 0,
    -- The token is derived from this and the server's secret key; the store
    -- keeps only its SHA-256, to find the share by its link.
    token_seed    TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    options       TEXT NOT NULL DEFAULT '{}',  -- domain::sharing::SharingOptions
    enabled_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    enabled_at    TEXT,
    CHECK ((insight_id IS NULL) <> (dashboard_id IS NULL))
);
CREATE INDEX shares_by_project ON shares (project_id);

-- Owners and admins may turn public links off for every project at once.
ALTER TABLE organizations ADD COLUMN public_sharing INTEGER NOT NULL DEFAULT 1;
