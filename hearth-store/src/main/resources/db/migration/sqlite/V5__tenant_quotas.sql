-- A tenant's own limits, each replacing the server-wide one when set (NULL: the server's applies).

CREATE TABLE tenant_quotas (
    tenant                  TEXT PRIMARY KEY,
    max_active_sessions     INTEGER,
    max_agents              INTEGER,
    max_versions_per_agent  INTEGER,
    max_endpoints_per_agent INTEGER,
    max_invocations_per_second INTEGER,
    updated_at              TEXT NOT NULL
);
