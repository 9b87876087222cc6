-- Agent runtimes, their immutable versions and their endpoints (contract §3), plus replay records for
-- idempotent writes. Timestamps are ISO-8601 UTC strings, exactly as the API returns them.

CREATE TABLE runtimes (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- creation order: the listing order and page-token key
    id              TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL UNIQUE,
    arn             TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    failure_reason  TEXT,
    latest_version  INTEGER NOT NULL,
    tags            TEXT    NOT NULL,                   -- JSON object
    created_at      TEXT    NOT NULL,
    last_updated_at TEXT    NOT NULL
);

CREATE TABLE runtime_versions (
    runtime_id     TEXT    NOT NULL REFERENCES runtimes (id) ON DELETE CASCADE,
    version        INTEGER NOT NULL,
    status         TEXT    NOT NULL,
    failure_reason TEXT,
    config         TEXT    NOT NULL,                    -- the version's configuration as Get returns it (JSON)
    launch         TEXT,                                -- where its code was unpacked and how to start it (JSON), once resolved
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (runtime_id, version)
);

CREATE TABLE endpoints (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    runtime_id      TEXT    NOT NULL REFERENCES runtimes (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    description     TEXT,
    live_version    INTEGER,
    target_version  INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    failure_reason  TEXT,
    created_at      TEXT    NOT NULL,
    last_updated_at TEXT    NOT NULL,
    UNIQUE (runtime_id, name)
);

CREATE TABLE idempotent_requests (
    operation    TEXT NOT NULL,                         -- operation and target, e.g. "UpdateAgentRuntime r-abc"
    client_token TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response     TEXT NOT NULL,                         -- the JSON answered the first time
    created_at   TEXT NOT NULL,
    PRIMARY KEY (operation, client_token)
);
