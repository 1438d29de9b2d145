-- The events store's first tables. IF NOT EXISTS: files made before
-- migrations were recorded already have them, and this applies to those
-- harmlessly.

CREATE TABLE IF NOT EXISTS events (
    uuid         UUID      NOT NULL,
    project_id   BIGINT    NOT NULL,
    timestamp    TIMESTAMP NOT NULL,  -- UTC
    event        VARCHAR   NOT NULL,
    distinct_id  VARCHAR   NOT NULL,
    -- The person at ingestion time; person_overrides maps merged persons on.
    person_id    UUID      NOT NULL,
    properties   JSON,
    current_url  VARCHAR,
    browser      VARCHAR,
    os           VARCHAR,
    country      VARCHAR,
    session_id   VARCHAR,
    inserted_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS persons (
    project_id     BIGINT    NOT NULL,
    id             UUID      NOT NULL,
    properties     JSON      NOT NULL,
    is_identified  BOOLEAN   NOT NULL,
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS person_distinct_ids (
    project_id   BIGINT  NOT NULL,
    distinct_id  VARCHAR NOT NULL,
    person_id    UUID    NOT NULL
);

-- When two persons merge, events stored under the old one count for the new.
CREATE TABLE IF NOT EXISTS person_overrides (
    project_id     BIGINT NOT NULL,
    old_person_id  UUID   NOT NULL,
    new_person_id  UUID   NOT NULL
);
