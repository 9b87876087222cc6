package io.hearth.router;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How much of each numbered SSE answer Hearth keeps for a caller that reattaches (docs/data-plane.md, Resumable
 * streams): {@code tailBytes} of its latest events, and for {@code hold} after its caller dropped, after which an
 * answer nobody reattached to is aborted. {@code tailBytes} 0 turns resumable streams off: events pass unnumbered.
 */
public record ResumableStreamSettings(long tailBytes, Duration hold) {
    public static final long MAX_TAIL_BYTES = 1L << 30;
    public static final ResumableStreamSettings DEFAULT = new ResumableStreamSettings(1L << 20, Duration.ofSeconds(60));
    public static final ResumableStreamSettings OFF = new ResumableStreamSettings(0, Duration.ofSeconds(60));

    public ResumableStreamSettings {
        requireNonNull(hold, "hold");
        if (tailBytes < 0 || tailBytes > MAX_TAIL_BYTES) {
            throw new IllegalArgumentException("tailBytes: " + tailBytes + " (expected: 0 to " + MAX_TAIL_BYTES + ")");
        }
        if (hold.compareTo(Duration.ofSeconds(1)) < 0 || hold.compareTo(Duration.ofMinutes(60)) > 0) {
            throw new IllegalArgumentException("hold: " + hold.toMillis() + " ms (expected: 1 s to 60 min)");
        }
    }

    public boolean on() {
        return tailBytes > 0;
    }
}
