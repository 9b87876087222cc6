package io.hearth.deployment;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Ceilings on what one session may use, from the runtime's {@code hearth:budget:*} tags (docs/budgets.md):
 * {@code hearth:budget:<kind>} for every endpoint's sessions, {@code hearth:budget:<endpoint>:<kind>} for one
 * endpoint's (it wins over the runtime's for that kind).
 *
 * @param runtime    the runtime's budget
 * @param byEndpoint each endpoint's own, where it has one
 */
public record SessionBudgets(Limits runtime, Map<String, Limits> byEndpoint) {
    public static final String PREFIX = "hearth:budget:";
    public static final String WALL_CLOCK_SECONDS = "wallClockSeconds";
    public static final String CPU_SECONDS = "cpuSeconds";
    public static final String INVOCATIONS = "invocations";
    public static final String STREAMED_BYTES = "streamedBytes";
    /** Every kind, in the order the docs list them. */
    public static final List<String> KINDS = List.of(WALL_CLOCK_SECONDS, CPU_SECONDS, INVOCATIONS,
            STREAMED_BYTES);
    public static final SessionBudgets NONE = new SessionBudgets(Limits.NONE, Map.of());
    private static final Pattern ENDPOINT = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,47}");

    /**
     * One set of ceilings; each empty when there is none.
     *
     * @param wallClockSeconds how long a session may live, from its creation
     * @param cpuSeconds       CPU time its sandbox may use (measured where the driver reports usage)
     * @param invocations      requests it may take
     * @param streamedBytes    bytes of agent answers it may stream to callers
     */
    public record Limits(OptionalLong wallClockSeconds, OptionalLong cpuSeconds, OptionalLong invocations,
            OptionalLong streamedBytes) {
        public static final Limits NONE = new Limits(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty());

        public Limits {
            requireNonNull(wallClockSeconds, "wallClockSeconds");
            requireNonNull(cpuSeconds, "cpuSeconds");
            requireNonNull(invocations, "invocations");
            requireNonNull(streamedBytes, "streamedBytes");
        }

        public boolean isEmpty() {
            return wallClockSeconds.isEmpty() && cpuSeconds.isEmpty() && invocations.isEmpty() && streamedBytes.isEmpty();
        }

        /** For each kind, the smaller of this one's ceiling and {@code other}'s (either where only one has it). */
        public Limits within(Limits other) {
            return new Limits(min(wallClockSeconds, other.wallClockSeconds), min(cpuSeconds, other.cpuSeconds),
                    min(invocations, other.invocations), min(streamedBytes, other.streamedBytes));
        }

        /** The ceiling of one kind ({@link #KINDS}). */
        public OptionalLong of(String kind) {
            return switch (kind) {
                case WALL_CLOCK_SECONDS -> wallClockSeconds;
                case CPU_SECONDS -> cpuSeconds;
                case INVOCATIONS -> invocations;
                case STREAMED_BYTES -> streamedBytes;
                default -> throw new IllegalArgumentException(kind + ": not a budget (expected: one of " + KINDS + ")");
            };
        }

        /**
         * Ceilings given by kind, each checked as the tags' are.
         *
         * @throws IllegalArgumentException naming the kind, its value and what was expected
         */
        public static Limits of(Map<String, Long> values) {
            for (var value : values.entrySet()) {
                long max = max(value.getKey(), value.getKey());
                if (value.getValue() < 1 || value.getValue() > max) {
                    throw new IllegalArgumentException(value.getKey() + ": " + value.getValue()
                            + " (expected: a whole number from 1 to " + max + ")");
                }
            }
            return limits(values);
        }

        private static OptionalLong min(OptionalLong a, OptionalLong b) {
            if (a.isEmpty() || b.isEmpty()) {
                return a.isPresent() ? a : b;
            }
            return OptionalLong.of(Math.min(a.getAsLong(), b.getAsLong()));
        }

        /** This one's ceilings where it has them, {@code fallback}'s elsewhere. */
        Limits over(Limits fallback) {
            return new Limits(or(wallClockSeconds, fallback.wallClockSeconds), or(cpuSeconds, fallback.cpuSeconds),
                    or(invocations, fallback.invocations), or(streamedBytes, fallback.streamedBytes));
        }

        private static OptionalLong or(OptionalLong value, OptionalLong fallback) {
            return value.isPresent() ? value : fallback;
        }
    }

    /**
     * The budget of the principal that opens a session (docs/budgets.md): for each kind, the smaller of it and the
     * runtime's or endpoint's applies.
     *
     * @param principal the principal as the budgets API names it: an access key id, or {@code jwt:<issuer> <subject>}
     */
    public record PrincipalLimits(String principal, Limits limits) {
        public PrincipalLimits {
            requireNonNull(principal, "principal");
            requireNonNull(limits, "limits");
        }
    }

    public SessionBudgets {
        requireNonNull(runtime, "runtime");
        byEndpoint = Map.copyOf(byEndpoint);
    }

    /** The ceilings of a session of {@code endpointName}. */
    public Limits forEndpoint(String endpointName) {
        Limits own = byEndpoint.get(endpointName);
        return own == null ? runtime : own.over(runtime);
    }

    /** Whether a tag key is a budget's, which {@link #parse} checks. */
    static boolean isBudgetTag(String key) {
        return key.startsWith(PREFIX);
    }

    /**
     * Reads the {@code hearth:budget:*} tags.
     *
     * @throws IllegalArgumentException naming the tag, its value and what was expected
     */
    static SessionBudgets parse(Map<String, String> tags) {
        var runtime = new TreeMap<String, Long>();
        var endpoints = new TreeMap<String, Map<String, Long>>();
        for (var tag : tags.entrySet()) {
            if (!isBudgetTag(tag.getKey())) {
                continue;
            }
            String rest = tag.getKey().substring(PREFIX.length());
            int colon = rest.indexOf(':');
            String endpoint = colon < 0 ? null : rest.substring(0, colon);
            String kind = colon < 0 ? rest : rest.substring(colon + 1);
            if (endpoint != null && !ENDPOINT.matcher(endpoint).matches()) {
                throw new IllegalArgumentException(tag.getKey() + ": not a Hearth setting (expected " + PREFIX
                        + "<kind> or " + PREFIX + "<endpoint name>:<kind>)");
            }
            long value = value(tag.getKey(), tag.getValue(), kind);
            (endpoint == null ? runtime : endpoints.computeIfAbsent(endpoint, e -> new TreeMap<>())).put(kind, value);
        }
        if (runtime.isEmpty() && endpoints.isEmpty()) {
            return NONE;
        }
        var byEndpoint = new TreeMap<String, Limits>();
        endpoints.forEach((name, limits) -> byEndpoint.put(name, limits(limits)));
        return new SessionBudgets(limits(runtime), byEndpoint);
    }

    /** The largest value a budget of {@code kind} may have; {@code key} names it in the refusal of an unknown kind. */
    private static long max(String key, String kind) {
        return switch (kind) {
            case WALL_CLOCK_SECONDS, CPU_SECONDS -> 86_400L * 365;
            case INVOCATIONS -> 1_000_000_000L;
            case STREAMED_BYTES -> 1L << 50;
            default -> throw new IllegalArgumentException(key + ": not a Hearth setting (expected a budget of "
                    + WALL_CLOCK_SECONDS + ", " + CPU_SECONDS + ", " + INVOCATIONS + " or " + STREAMED_BYTES + ")");
        };
    }

    /** The largest value a budget of {@code kind} may have. */
    public static long max(String kind) {
        return max(kind, kind);
    }

    private static long value(String key, String text, String kind) {
        long max = max(key, kind);
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + ": " + text + " (expected: a whole number from 1 to " + max + ")");
    }

    private static Limits limits(Map<String, Long> values) {
        return new Limits(optional(values.get(WALL_CLOCK_SECONDS)), optional(values.get(CPU_SECONDS)),
                optional(values.get(INVOCATIONS)), optional(values.get(STREAMED_BYTES)));
    }

    private static OptionalLong optional(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
