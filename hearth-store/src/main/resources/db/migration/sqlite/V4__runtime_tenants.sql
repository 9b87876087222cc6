-- Runtimes belong to a tenant (the 12-digit account of the principal that created them), and names are unique per
-- tenant. Existing rows get the account in their ARN: the server's account when they were created.
-- SQLite cannot drop a UNIQUE constraint in place, so the table is rebuilt; foreign keys are off during migrations,
-- and the tables referring to "runtimes" refer to the rebuilt one once it is renamed.

CREATE TABLE runtimes_v4 (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    tenant          TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    arn             TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    failure_reason  TEXT,
    latest_version  INTEGER NOT NULL,
    tags            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    last_updated_at TEXT    NOT NULL,
    UNIQUE (tenant, name)
);

INSERT INTO runtimes_v4 (seq, id, tenant, name, arn, status, failure_reason, latest_version, tags, created_at,
                         last_updated_at)
SELECT seq, id, substr(arn, instr(arn, ':runtime/') - 12, 12), name, arn, status, failure_reason, latest_version, tags,
       created_at, last_updated_at
FROM runtimes;

DROP TABLE runtimes;
ALTER TABLE runtimes_v4 RENAME TO runtimes;
CREATE INDEX runtimes_by_tenant ON runtimes (tenant, seq);
