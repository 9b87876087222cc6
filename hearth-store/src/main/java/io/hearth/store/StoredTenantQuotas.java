package io.hearth.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.OptionalInt;

/** One tenant's own limits as stored; an empty one means the server-wide limit applies. */
public record StoredTenantQuotas(String tenant, OptionalInt maxActiveSessions, OptionalInt maxAgents,
        OptionalInt maxVersionsPerAgent, OptionalInt maxEndpointsPerAgent, OptionalInt maxInvocationsPerSecond,
        Instant updatedAt) {
    public StoredTenantQuotas {
        requireNonNull(tenant, "tenant");
        requireNonNull(maxActiveSessions, "maxActiveSessions");
        requireNonNull(maxAgents, "maxAgents");
        requireNonNull(maxVersionsPerAgent, "maxVersionsPerAgent");
        requireNonNull(maxEndpointsPerAgent, "maxEndpointsPerAgent");
        requireNonNull(maxInvocationsPerSecond, "maxInvocationsPerSecond");
        requireNonNull(updatedAt, "updatedAt");
    }
}
