package io.hearth.quota;

/** Every limit Hearth enforces, as metrics, the quotas API and refusals name it. */
public enum QuotaKind {
    /** InvokeAgentRuntime calls per second per endpoint: 429. */
    INVOCATION_RATE("invocation-rate"),
    /** New sessions per minute per endpoint: 429. */
    NEW_SESSION_RATE("new-session-rate"),
    /** Live sessions per tenant: 402. */
    ACTIVE_SESSIONS("active-sessions"),
    /** Live sandboxes on this node, pooled ones included: 402. */
    LIVE_SANDBOXES("live-sandboxes"),
    /** Cold starts under way at once on this node; a short queue, then 429. */
    COLD_STARTS("cold-starts"),
    /** Live sessions per principal: 402. */
    PRINCIPAL_SESSIONS("principal-sessions"),
    /** InvokeAgentRuntime calls per second per principal: 429. */
    PRINCIPAL_INVOCATION_RATE("principal-invocation-rate"),
    /** InvokeAgentRuntime calls per second across a tenant's endpoints, when the tenant has that limit: 429. */
    TENANT_INVOCATION_RATE("tenant-invocation-rate");

    private final String wireName;

    QuotaKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
