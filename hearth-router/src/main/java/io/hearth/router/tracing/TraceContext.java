package io.hearth.router.tracing;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C trace context ({@code traceparent}, version 00): the trace an invocation joins, and the span it continues.
 *
 * @param traceId  32 lower-case hex digits, not all zero
 * @param spanId   16 lower-case hex digits, not all zero: the caller's span, parent of Hearth's root span
 * @param flags    2 hex digits (01: sampled)
 */
public record TraceContext(String traceId, String spanId, String flags) {
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    public TraceContext {
        if (!hex(traceId, 32) || traceId.equals(ZERO_TRACE)) {
            throw new IllegalArgumentException("traceId: " + traceId + " (expected: 32 lower-case hex digits, not all zero)");
        }
        if (!hex(spanId, 16) || spanId.equals(ZERO_SPAN)) {
            throw new IllegalArgumentException("spanId: " + spanId + " (expected: 16 lower-case hex digits, not all zero)");
        }
        if (!hex(flags, 2)) {
            throw new IllegalArgumentException("flags: " + flags + " (expected: 2 lower-case hex digits)");
        }
    }

    /**
     * The caller's {@code traceparent}, when it is one Hearth can continue; an invalid header starts a new trace, as
     * the W3C recommendation asks of a receiver.
     */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        String value = traceparent.trim();
        // version-traceid-spanid-flags; a later version may append fields after a '-', which are ignored.
        if (value.length() < 55 || value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-'
                || (value.length() > 55 && value.charAt(55) != '-')) {
            return Optional.empty();
        }
        String version = value.substring(0, 2);
        if (!hex(version, 2) || version.equals("ff") || (version.equals("00") && value.length() != 55)) {
            return Optional.empty();
        }
        String traceId = value.substring(3, 35);
        String spanId = value.substring(36, 52);
        String flags = value.substring(53, 55);
        if (!hex(traceId, 32) || traceId.equals(ZERO_TRACE) || !hex(spanId, 16) || spanId.equals(ZERO_SPAN) || !hex(flags, 2)) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(traceId, spanId, flags));
    }

    /** The header that makes {@code spanId} the parent of whatever the receiver does. */
    public static String traceparent(String traceId, String spanId, String flags) {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    static String newTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high;
        do {
            high = random.nextLong();
        } while (high == 0);
        return hex16(high) + hex16(random.nextLong());
    }

    static String newSpanId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return hex16(id);
    }

    private static String hex16(long value) {
        String digits = Long.toHexString(value);
        return digits.length() == 16 ? digits : ZERO_SPAN.substring(digits.length()) + digits;
    }

    private static boolean hex(String value, int length) {
        if (value == null || value.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
