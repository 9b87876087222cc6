package io.hearth.quota;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The quotas of one node at one moment: what is held, what may be, and how often each kind refused.
 *
 * @param node      live sandboxes and cold starts
 * @param tenants   active sessions per tenant
 * @param endpoints each endpoint's rates with the tokens left now (endpoints that were called)
 * @param refusals  refusals since start, by kind
 */
public record QuotaSnapshot(Node node, List<Tenant> tenants, List<Endpoint> endpoints, Map<QuotaKind, Long> refusals) {
    public QuotaSnapshot {
        tenants = List.copyOf(tenants);
        endpoints = List.copyOf(endpoints);
        refusals = Map.copyOf(refusals);
    }

    /**
     * @param maxSandboxes       the explicit cap; empty when the memory budget applies
     * @param memoryBudgetBytes  what the live sandboxes' memory limits may add up to; empty under an explicit cap
     */
    public record Node(int liveSandboxes, OptionalInt maxSandboxes, long memoryCommittedBytes,
            OptionalLong memoryBudgetBytes, int coldStartsRunning, int coldStartsWaiting, int maxColdStarts,
            int coldStartQueue) {}

    /**
     * @param maxActiveSessions the limit that applies: the tenant's own, or the server's
     * @param own               the tenant's own limits; {@link TenantLimits#NONE} when it has none
     */
    public record Tenant(String tenant, int activeSessions, int maxActiveSessions, TenantLimits own) {}

    /** @param rate {@code invocations} or {@code newSessions} */
    public record Endpoint(EndpointKey key, String rate, RateLimit limit, long available) {}
}
