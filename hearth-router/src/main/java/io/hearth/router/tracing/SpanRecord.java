package io.hearth.router.tracing;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * One finished span of an invocation's trace.
 *
 * @param traceId        32 hex digits
 * @param spanId         16 hex digits
 * @param parentSpanId   the parent's span id; empty for a trace's root that continues no caller's span
 * @param name           what the span measured ({@code invoke}, {@code route}, {@code session.open}, ...)
 * @param kind           server (the caller's request), client (the agent request) or internal
 * @param startEpochNanos start, in nanoseconds since the epoch
 * @param durationNanos  how long it took
 * @param attributes     its attributes, in the order they were set
 * @param error          empty when it succeeded, otherwise what went wrong
 */
public record SpanRecord(String traceId, String spanId, Optional<String> parentSpanId, String name, Kind kind,
        long startEpochNanos, long durationNanos, Map<String, String> attributes, Optional<String> error) {

    /** OpenTelemetry's span kinds, as far as Hearth uses them. */
    public enum Kind {
        INTERNAL(1), SERVER(2), CLIENT(3);

        private final int otlp;

        Kind(int otlp) {
            this.otlp = otlp;
        }

        /** The number OTLP gives this kind. */
        public int otlp() {
            return otlp;
        }
    }

    public SpanRecord {
        requireNonNull(traceId, "traceId");
        requireNonNull(spanId, "spanId");
        requireNonNull(parentSpanId, "parentSpanId");
        requireNonNull(name, "name");
        requireNonNull(kind, "kind");
        requireNonNull(error, "error");
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
        if (durationNanos < 0) {
            throw new IllegalArgumentException("durationNanos: " + durationNanos + " (expected: zero or more)");
        }
    }

    public long endEpochNanos() {
        return startEpochNanos + durationNanos;
    }
}
