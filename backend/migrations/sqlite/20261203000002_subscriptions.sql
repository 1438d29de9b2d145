-- Insights and dashboards delivered on a schedule (backend/src/subscriptions/).
CREATE TABLE subscriptions (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    insight_id        INTEGER REFERENCES insights (id) ON DELETE CASCADE,
    dashboard_id      INTEGER REFERENCES dashboards (id) ON DELETE CASCADE,
    title             TEXT NOT NULL DEFAULT '',
    destination       TEXT NOT NULL,    -- domain::subscription::Destination, JSON
    schedule          TEXT NOT NULL,    -- RFC 5545, floating: the project's zone applies
    -- Unix milliseconds; a delivery is claimed by moving it on, conditionally.
    next_delivery_ms  INTEGER,
    created_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL,
    CHECK ((insight_id IS NULL) <> (dashboard_id IS NULL))
);
CREATE INDEX subscriptions_due ON subscriptions (next_delivery_ms);
CREATE INDEX subscriptions_by_insight ON subscriptions (insight_id);
CREATE INDEX subscriptions_by_dashboard ON subscriptions (dashboard_id);

-- Each delivery, from the moment it is claimed: a pending one is done by
-- whichever process holds its lease, so a process killed mid-run loses none.
CREATE TABLE subscription_deliveries (
    id                INTEGER PRIMARY KEY,
    subscription_id   INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    scheduled_for     TEXT NOT NULL,
    test              INTEGER NOT NULL DEFAULT 0,
    sent_by           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    state             TEXT NOT NULL DEFAULT 'pending', -- pending | delivered | partial | failed
    claimed_until_ms  INTEGER,
    attempts          INTEGER NOT NULL DEFAULT 0,
    targets           TEXT NOT NULL DEFAULT '',
    error             TEXT,
    finished_at       TEXT
);
CREATE INDEX subscription_deliveries_pending ON subscription_deliveries (id) WHERE state = 'pending';
CREATE INDEX subscription_deliveries_by_subscription ON subscription_deliveries (subscription_id, id);

-- Whether subscriptions may mail people outside the organization.
ALTER TABLE organizations ADD COLUMN external_recipients INTEGER NOT NULL DEFAULT 0;
