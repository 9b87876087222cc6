package io.hearth.quota;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One tenant's own limits, each replacing the server-wide one when present. Zero is allowed and refuses everything of
 * that kind: a way to hold a tenant still without deleting its keys.
 *
 * @param activeSessions       live sessions the tenant may hold (server-wide: {@code --max-active-sessions})
 * @param agents               agent runtimes the tenant may have
 * @param versionsPerAgent     versions each of its agent runtimes may have
 * @param endpointsPerAgent    endpoints each of its agent runtimes may have
 * @param invocationsPerSecond InvokeAgentRuntime calls per second across all the tenant's endpoints (none server-wide:
 *                             only each endpoint's rate applies)
 */
public record TenantLimits(OptionalInt activeSessions, OptionalInt agents, OptionalInt versionsPerAgent,
        OptionalInt endpointsPerAgent, OptionalInt invocationsPerSecond) {

    /** No override: the server-wide limits apply. */
    public static final TenantLimits NONE = new TenantLimits(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
            OptionalInt.empty(), OptionalInt.empty());

    /** The wire and CLI names of the limits, in order. */
    public static final String ACTIVE_SESSIONS = "maxActiveSessions";
    public static final String AGENTS = "maxAgents";
    public static final String VERSIONS_PER_AGENT = "maxVersionsPerAgent";
    public static final String ENDPOINTS_PER_AGENT = "maxEndpointsPerAgent";
    public static final String INVOCATIONS_PER_SECOND = "maxInvocationsPerSecond";

    /** The largest value any of them takes. */
    public static final int MAX_VALUE = 10_000_000;

    public TenantLimits {
        check(ACTIVE_SESSIONS, activeSessions);
        check(AGENTS, agents);
        check(VERSIONS_PER_AGENT, versionsPerAgent);
        check(ENDPOINTS_PER_AGENT, endpointsPerAgent);
        check(INVOCATIONS_PER_SECOND, invocationsPerSecond);
    }

    /** From name to value, as the admin API and the store carry them; an unknown name is refused. */
    public static TenantLimits of(Map<String, Integer> values) {
        requireNonNull(values, "values");
        for (String name : values.keySet()) {
            if (!names().contains(name)) {
                throw new IllegalArgumentException(name + ": not a tenant limit (expected: one of " + String.join(", ",
                        names()) + ")");
            }
        }
        return new TenantLimits(get(values, ACTIVE_SESSIONS), get(values, AGENTS), get(values, VERSIONS_PER_AGENT),
                get(values, ENDPOINTS_PER_AGENT), get(values, INVOCATIONS_PER_SECOND));
    }

    public static List<String> names() {
        return List.of(ACTIVE_SESSIONS, AGENTS, VERSIONS_PER_AGENT, ENDPOINTS_PER_AGENT, INVOCATIONS_PER_SECOND);
    }

    /** The limits that are set, by name, in order. */
    public Map<String, Integer> asMap() {
        var map = new LinkedHashMap<String, Integer>();
        put(map, ACTIVE_SESSIONS, activeSessions);
        put(map, AGENTS, agents);
        put(map, VERSIONS_PER_AGENT, versionsPerAgent);
        put(map, ENDPOINTS_PER_AGENT, endpointsPerAgent);
        put(map, INVOCATIONS_PER_SECOND, invocationsPerSecond);
        return map;
    }

    public boolean isEmpty() {
        return asMap().isEmpty();
    }

    /** These limits, with each of {@code changes} that is set replacing its own. */
    public TenantLimits merge(TenantLimits changes) {
        var map = asMap();
        map.putAll(changes.asMap());
        return of(map);
    }

    private static OptionalInt get(Map<String, Integer> values, String name) {
        Integer value = values.get(name);
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    private static void put(Map<String, Integer> map, String name, OptionalInt value) {
        value.ifPresent(v -> map.put(name, v));
    }

    private static void check(String name, OptionalInt value) {
        requireNonNull(value, name);
        if (value.isPresent() && (value.getAsInt() < 0 || value.getAsInt() > MAX_VALUE)) {
            throw new IllegalArgumentException(name + ": " + value.getAsInt() + " (expected: a whole number from 0 to "
                    + MAX_VALUE + ")");
        }
    }
}
