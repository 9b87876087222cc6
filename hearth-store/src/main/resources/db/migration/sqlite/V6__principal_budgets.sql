-- A principal's session budget (an access key id, or jwt:<issuer> <subject>); NULL: no ceiling of that kind.

CREATE TABLE principal_budgets (
    principal          TEXT PRIMARY KEY,
    wall_clock_seconds INTEGER,
    cpu_seconds        INTEGER,
    invocations        INTEGER,
    streamed_bytes     INTEGER,
    updated_at         TEXT NOT NULL
);
