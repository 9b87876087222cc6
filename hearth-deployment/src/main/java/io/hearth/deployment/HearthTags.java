package io.hearth.deployment;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Hearth's own settings carried in runtime tags ({@code hearth:*}), so AWS SDK users reach them without another API.
 * Parsed and checked once, at CreateAgentRuntime, so a bad value is refused there rather than at the first session.
 * Session budgets ({@code hearth:budget:*}) are read by {@link SessionBudgets}.
 */
public record HearthTags(
        Optional<String> isolation,
        OptionalDouble vcpus,
        OptionalLong memoryMiB,
        OptionalInt pids,
        OptionalLong workspaceMiB,
        Optional<String> network,
        OptionalInt poolMinIdle,
        OptionalInt poolMaxIdle,
        OptionalLong poolMaxIdleAgeSeconds,
        Optional<Boolean> poolPredictive,
        OptionalInt quotaInvocationsPerSecond,
        OptionalInt quotaInvocationBurst,
        OptionalInt quotaNewSessionsPerMinute,
        OptionalInt quotaNewSessionBurst,
        java.util.Set<String> hibernate,
        OptionalLong hibernationRetentionSeconds,
        OptionalLong sessionMaxAgeSeconds,
        OptionalLong sessionStorageMiB,
        SessionBudgets budgets,
        Optional<Boolean> snapshotTemplate) {

    public static final String ISOLATION = "hearth:isolation";
    public static final String VCPUS = "hearth:vcpus";
    public static final String MEMORY_MIB = "hearth:memoryMiB";
    public static final String PIDS = "hearth:pids";
    public static final String WORKSPACE_MIB = "hearth:workspaceMiB";
    public static final String NETWORK = "hearth:network";
    public static final String POOL_MIN_IDLE = "hearth:pool:minIdle";
    public static final String POOL_MAX_IDLE = "hearth:pool:maxIdle";
    public static final String POOL_MAX_IDLE_AGE = "hearth:pool:maxIdleAgeSeconds";
    public static final String POOL_PREDICTIVE = "hearth:pool:predictive";
    /** Per-endpoint InvokeAgentRuntime rate and burst for this runtime, in place of the server's. */
    public static final String QUOTA_INVOCATIONS_PER_SECOND = "hearth:quota:invocationsPerSecond";
    public static final String QUOTA_INVOCATION_BURST = "hearth:quota:invocationBurst";
    /** Per-endpoint new-session rate and burst for this runtime, in place of the server's. */
    public static final String QUOTA_NEW_SESSIONS_PER_MINUTE = "hearth:quota:newSessionsPerMinute";
    public static final String QUOTA_NEW_SESSION_BURST = "hearth:quota:newSessionBurst";
    /**
     * Idle sessions hibernate (memory and files saved, compute freed) instead of ending: {@code true}, {@code false},
     * or the names of the endpoints whose sessions do, separated by spaces.
     */
    public static final String HIBERNATE = "hearth:hibernate";
    /** How long a hibernated session is kept before it is deleted. */
    public static final String HIBERNATION_RETENTION = "hearth:hibernation:retentionSeconds";
    /** The ceiling on a hibernating session's age, from its first start, however little compute it used. */
    public static final String SESSION_MAX_AGE = "hearth:session:maxAgeSeconds";
    /**
     * {@code false}: new sessions of this runtime start its agent afresh rather than from a post-initialisation snapshot
     * (gVisor), for agents that must not share the state they built before their first request.
     */
    public static final String SNAPSHOT_TEMPLATE = "hearth:snapshotTemplate";
    /** The size bound of a session's {@code sessionStorage}. */
    public static final String SESSION_STORAGE_MIB = "hearth:sessionStorageMiB";

    private static final Set<String> KNOWN = Set.of(ISOLATION, VCPUS, MEMORY_MIB, PIDS, WORKSPACE_MIB, NETWORK,
            POOL_MIN_IDLE, POOL_MAX_IDLE, POOL_MAX_IDLE_AGE, POOL_PREDICTIVE, QUOTA_INVOCATIONS_PER_SECOND,
            QUOTA_INVOCATION_BURST, QUOTA_NEW_SESSIONS_PER_MINUTE, QUOTA_NEW_SESSION_BURST, HIBERNATE,
            HIBERNATION_RETENTION, SESSION_MAX_AGE, SESSION_STORAGE_MIB, SNAPSHOT_TEMPLATE);
    private static final Set<String> DRIVERS = Set.of("process", "namespaces", "gvisor");

    /**
     * Reads the {@code hearth:*} tags; other tags are the user's own and ignored.
     *
     * @throws IllegalArgumentException naming the tag, its value and what was expected
     */
    public static HearthTags parse(Map<String, String> tags) {
        for (String key : tags.keySet()) {
            if (key.startsWith("hearth:") && !KNOWN.contains(key) && !SessionBudgets.isBudgetTag(key)) {
                throw new IllegalArgumentException(key + ": not a Hearth setting (expected one of " + KNOWN.stream().sorted().toList() + ")");
            }
        }
        Optional<String> isolation = Optional.ofNullable(tags.get(ISOLATION));
        isolation.filter(i -> !DRIVERS.contains(i)).ifPresent(i -> {
            throw new IllegalArgumentException(ISOLATION + ": " + i + " (expected: process, namespaces or gvisor)");
        });
        Optional<String> network = Optional.ofNullable(tags.get(NETWORK));
        network.filter(n -> !n.equals("PUBLIC") && !n.equals("NONE")).ifPresent(n -> {
            throw new IllegalArgumentException(NETWORK + ": " + n + " (expected: PUBLIC or NONE)");
        });
        OptionalDouble vcpus = tags.containsKey(VCPUS) ? OptionalDouble.of(decimal(tags, VCPUS, 0.05, 64)) : OptionalDouble.empty();
        Optional<Boolean> predictive = flag(tags, POOL_PREDICTIVE);
        return new HearthTags(isolation, vcpus,
                whole(tags, MEMORY_MIB, 16, 1 << 20),
                narrow(whole(tags, PIDS, 8, 1 << 20)),
                whole(tags, WORKSPACE_MIB, 1, 1 << 20),
                network,
                narrow(whole(tags, POOL_MIN_IDLE, 0, 10_000)),
                narrow(whole(tags, POOL_MAX_IDLE, 0, 10_000)),
                whole(tags, POOL_MAX_IDLE_AGE, 1, 86_400 * 7),
                predictive,
                narrow(whole(tags, QUOTA_INVOCATIONS_PER_SECOND, 1, 1_000_000)),
                narrow(whole(tags, QUOTA_INVOCATION_BURST, 1, 1_000_000)),
                narrow(whole(tags, QUOTA_NEW_SESSIONS_PER_MINUTE, 1, 1_000_000)),
                narrow(whole(tags, QUOTA_NEW_SESSION_BURST, 1, 1_000_000)),
                hibernateValue(tags),
                whole(tags, HIBERNATION_RETENTION, 60, 86_400L * 365),
                whole(tags, SESSION_MAX_AGE, 60, 86_400L * 365),
                whole(tags, SESSION_STORAGE_MIB, 1, 1 << 20),
                SessionBudgets.parse(tags),
                flag(tags, SNAPSHOT_TEMPLATE));
    }

    /**
     * Whether idle sessions of this endpoint hibernate: {@code hearth:hibernate} is {@code true} (every endpoint), or
     * names the endpoint among space-separated endpoint names.
     */
    public boolean hibernates(String endpointName) {
        return hibernate.contains("true") || hibernate.contains(endpointName);
    }

    private static Set<String> hibernateValue(Map<String, String> tags) {
        String value = tags.get(HIBERNATE);
        if (value == null || value.isBlank() || value.equals("false")) {
            return Set.of();
        }
        var names = Set.of(value.trim().split("\\s+"));
        for (String name : names) {
            if (!name.matches("[a-zA-Z][a-zA-Z0-9_]{0,47}")) {
                throw new IllegalArgumentException(HIBERNATE + ": " + value
                        + " (expected: true, false, or endpoint names separated by spaces)");
            }
        }
        return names;
    }

    private static Optional<Boolean> flag(Map<String, String> tags, String key) {
        return Optional.ofNullable(tags.get(key)).map(p -> switch (p) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + ": " + p + " (expected: true or false)");
        });
    }

    /** Whether the tags ask for a warm pool. */
    public boolean wantsPool() {
        return poolMinIdle.isPresent() || poolMaxIdle.isPresent();
    }

    private static double decimal(Map<String, String> tags, String key, double min, double max) {
        String value = tags.get(key);
        try {
            double number = Double.parseDouble(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + ": " + value + " (expected: a number from " + min + " to " + max + ")");
    }

    private static OptionalLong whole(Map<String, String> tags, String key, long min, long max) {
        String value = tags.get(key);
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            long number = Long.parseLong(value.trim());
            if (number >= min && number <= max) {
                return OptionalLong.of(number);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + ": " + value + " (expected: a whole number from " + min + " to " + max + ")");
    }

    private static OptionalInt narrow(OptionalLong value) {
        return value.isPresent() ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
    }
}
