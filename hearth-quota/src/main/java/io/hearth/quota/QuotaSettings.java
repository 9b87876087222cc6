package io.hearth.quota;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The server-wide limits. Rates are per endpoint (a runtime's {@code hearth:quota:*} tags may replace them); the
 * active-session limit is per tenant; the sandbox and cold-start caps are per node; the per-principal limits (none by
 * default) hold each caller (an access key, or a key acting for one end user) to a share of its tenant's.
 *
 * @param invocations           InvokeAgentRuntime per endpoint (AgentCore: 25 per second)
 * @param newSessions           new sessions per endpoint (AgentCore: 100 per minute)
 * @param activeSessionsPerTenant live sessions one tenant may hold (AgentCore: 1,000 per account)
 * @param maxSandboxes          live sandboxes on this node, pooled ones included; empty derives the cap from memory
 * @param memoryReserveBytes    memory kept for Hearth itself and the host when the cap is derived
 * @param memoryOvercommit      how many times the memory left over the sandboxes' limits may add up to: a limit is a
 *                              ceiling, and agents seldom approach it
 * @param maxColdStarts         cold starts under way at once on this node
 * @param coldStartQueue        cold starts that may wait for a turn; beyond that, 429 at once
 * @param coldStartWait         how long a cold start waits for its turn before 429
 * @param liveSessionsPerPrincipal live sessions one principal may hold (402 beyond); empty: only the tenant's limit
 * @param invocationsPerPrincipal  InvokeAgentRuntime calls per principal across endpoints (429 beyond); empty: only
 *                                 the endpoints' rates
 */
public record QuotaSettings(
        RateLimit invocations,
        RateLimit newSessions,
        int activeSessionsPerTenant,
        OptionalInt maxSandboxes,
        long memoryReserveBytes,
        double memoryOvercommit,
        int maxColdStarts,
        int coldStartQueue,
        Duration coldStartWait,
        OptionalInt liveSessionsPerPrincipal,
        Optional<RateLimit> invocationsPerPrincipal) {

    public static final RateLimit DEFAULT_INVOCATIONS = RateLimit.perSecond(25, 50);
    public static final RateLimit DEFAULT_NEW_SESSIONS = RateLimit.perMinute(100, 100);

    /** AgentCore's quotas, and node caps from this host's memory and cores. */
    public static final QuotaSettings DEFAULT = new QuotaSettings(DEFAULT_INVOCATIONS, DEFAULT_NEW_SESSIONS, 1_000,
            OptionalInt.empty(), 1L << 30, 8.0, 2 * Runtime.getRuntime().availableProcessors(), 256, Duration.ofSeconds(10),
            OptionalInt.empty(), Optional.empty());

    /** Limits so high nothing is refused in practice: for benchmarks and tests of other things. */
    public static final QuotaSettings UNLIMITED = new QuotaSettings(RateLimit.perSecond(1_000_000, 1_000_000),
            RateLimit.perSecond(1_000_000, 1_000_000), 1_000_000, OptionalInt.of(1_000_000), 0, 1.0, 100_000, 100_000,
            Duration.ofMinutes(5), OptionalInt.empty(), Optional.empty());

    public QuotaSettings {
        requireNonNull(invocations, "invocations");
        requireNonNull(newSessions, "newSessions");
        requireNonNull(maxSandboxes, "maxSandboxes");
        requireNonNull(coldStartWait, "coldStartWait");
        requireNonNull(liveSessionsPerPrincipal, "liveSessionsPerPrincipal");
        requireNonNull(invocationsPerPrincipal, "invocationsPerPrincipal");
        if (liveSessionsPerPrincipal.isPresent() && liveSessionsPerPrincipal.getAsInt() < 1) {
            throw new IllegalArgumentException("liveSessionsPerPrincipal: " + liveSessionsPerPrincipal.getAsInt()
                    + " (expected: at least 1)");
        }
        if (activeSessionsPerTenant < 1) {
            throw new IllegalArgumentException("activeSessionsPerTenant: " + activeSessionsPerTenant + " (expected: at least 1)");
        }
        if (maxSandboxes.isPresent() && maxSandboxes.getAsInt() < 1) {
            throw new IllegalArgumentException("maxSandboxes: " + maxSandboxes.getAsInt() + " (expected: at least 1)");
        }
        if (memoryReserveBytes < 0) {
            throw new IllegalArgumentException("memoryReserveBytes: " + memoryReserveBytes + " (expected: 0 or more)");
        }
        if (!(memoryOvercommit >= 1.0 && memoryOvercommit <= 1_000.0)) {
            throw new IllegalArgumentException("memoryOvercommit: " + memoryOvercommit + " (expected: 1 to 1000)");
        }
        if (maxColdStarts < 1) {
            throw new IllegalArgumentException("maxColdStarts: " + maxColdStarts + " (expected: at least 1)");
        }
        if (coldStartQueue < 0) {
            throw new IllegalArgumentException("coldStartQueue: " + coldStartQueue + " (expected: 0 or more)");
        }
        if (coldStartWait.isNegative() || coldStartWait.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("coldStartWait: " + coldStartWait + " (expected: 0 to 10 min)");
        }
    }

    public QuotaSettings withInvocations(RateLimit limit) {
        return new QuotaSettings(limit, newSessions, activeSessionsPerTenant, maxSandboxes, memoryReserveBytes,
                memoryOvercommit, maxColdStarts, coldStartQueue, coldStartWait, liveSessionsPerPrincipal, invocationsPerPrincipal);
    }

    public QuotaSettings withNewSessions(RateLimit limit) {
        return new QuotaSettings(invocations, limit, activeSessionsPerTenant, maxSandboxes, memoryReserveBytes,
                memoryOvercommit, maxColdStarts, coldStartQueue, coldStartWait, liveSessionsPerPrincipal, invocationsPerPrincipal);
    }

    public QuotaSettings withActiveSessionsPerTenant(int limit) {
        return new QuotaSettings(invocations, newSessions, limit, maxSandboxes, memoryReserveBytes,
                memoryOvercommit, maxColdStarts, coldStartQueue, coldStartWait, liveSessionsPerPrincipal, invocationsPerPrincipal);
    }

    /** An explicit cap on live sandboxes; empty derives it from memory. */
    public QuotaSettings withMaxSandboxes(OptionalInt cap) {
        return new QuotaSettings(invocations, newSessions, activeSessionsPerTenant, cap, memoryReserveBytes,
                memoryOvercommit, maxColdStarts, coldStartQueue, coldStartWait, liveSessionsPerPrincipal, invocationsPerPrincipal);
    }

    public QuotaSettings withMemory(long reserveBytes, double overcommit) {
        return new QuotaSettings(invocations, newSessions, activeSessionsPerTenant, maxSandboxes, reserveBytes,
                overcommit, maxColdStarts, coldStartQueue, coldStartWait, liveSessionsPerPrincipal, invocationsPerPrincipal);
    }

    public QuotaSettings withColdStarts(int max, int queue, Duration wait) {
        return new QuotaSettings(invocations, newSessions, activeSessionsPerTenant, maxSandboxes, memoryReserveBytes,
                memoryOvercommit, max, queue, wait, liveSessionsPerPrincipal, invocationsPerPrincipal);
    }

    /** Per-principal limits: live sessions and invocation rate; empty lifts each. */
    public QuotaSettings withPerPrincipal(OptionalInt liveSessions, Optional<RateLimit> invocationRate) {
        return new QuotaSettings(invocations, newSessions, activeSessionsPerTenant, maxSandboxes, memoryReserveBytes,
                memoryOvercommit, maxColdStarts, coldStartQueue, coldStartWait, liveSessions, invocationRate);
    }
}
