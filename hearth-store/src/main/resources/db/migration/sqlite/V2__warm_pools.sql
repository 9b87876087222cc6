-- Warm-pool settings per runtime endpoint, set through the Hearth-native API. Pools set by runtime tags are
-- derived from the tags and not stored here.

CREATE TABLE warm_pools (
    runtime_id    TEXT NOT NULL REFERENCES runtimes (id) ON DELETE CASCADE,
    endpoint_name TEXT NOT NULL,
    config        TEXT NOT NULL,                        -- JSON: sizes, max idle age, predictive switch, schedules
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (runtime_id, endpoint_name)
);
