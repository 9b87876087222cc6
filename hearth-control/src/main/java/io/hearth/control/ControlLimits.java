package io.hearth.control;

import io.hearth.store.StoredTenantQuotas;
import io.hearth.store.Transaction;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The control plane's counted limits for one tenant: its own where the store holds one, AgentCore's otherwise. Read
 * in the transaction that counts, so a changed limit holds from the next request on.
 */
public record ControlLimits(int agents, int versionsPerAgent, int endpointsPerAgent) {
    /** AgentCore's quotas: 1,000 agents per account, 1,000 versions and 10 endpoints (DEFAULT included) per agent. */
    public static final ControlLimits DEFAULT = new ControlLimits(1_000, 1_000, 10);

    public ControlLimits {
        if (agents < 0 || versionsPerAgent < 0 || endpointsPerAgent < 0) {
            throw new IllegalArgumentException("limits: " + agents + ", " + versionsPerAgent + ", " + endpointsPerAgent
                    + " (expected: 0 or more each)");
        }
    }

    public static ControlLimits forTenant(Transaction tx, String tenant) {
        return tx.tenantQuotas(tenant).map(ControlLimits::over).orElse(DEFAULT);
    }

    /** Whether the tenant has a limit of that kind of its own: the refusal then says so. */
    public static boolean own(Transaction tx, String tenant, Function<StoredTenantQuotas, OptionalInt> kind) {
        return tx.tenantQuotas(tenant).map(kind).filter(OptionalInt::isPresent).isPresent();
    }

    private static ControlLimits over(StoredTenantQuotas q) {
        return new ControlLimits(q.maxAgents().orElse(DEFAULT.agents), q.maxVersionsPerAgent().orElse(DEFAULT.versionsPerAgent),
                q.maxEndpointsPerAgent().orElse(DEFAULT.endpointsPerAgent));
    }
}
