package io.hearth.quota;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A token-bucket rate: {@code permits} per {@code period} sustained, up to {@code burst} at once.
 */
public record RateLimit(int permits, Duration period, int burst) {
    public RateLimit {
        requireNonNull(period, "period");
        if (permits < 1) {
            throw new IllegalArgumentException("permits: " + permits + " (expected: at least 1)");
        }
        if (period.compareTo(Duration.ofMillis(1)) < 0 || period.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("period: " + period + " (expected: 1 ms to 1 day)");
        }
        if (burst < 1 || burst > 10_000_000) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: 1 to 10,000,000)");
        }
    }

    public static RateLimit perSecond(int permits, int burst) {
        return new RateLimit(permits, Duration.ofSeconds(1), burst);
    }

    public static RateLimit perMinute(int permits, int burst) {
        return new RateLimit(permits, Duration.ofMinutes(1), burst);
    }

    /** This rate with another sustained value; the burst keeps its ratio to the rate (at least the rate itself). */
    public RateLimit withPermits(int newPermits) {
        long scaled = Math.max(newPermits, ((long) newPermits * burst + permits - 1) / permits);
        return new RateLimit(newPermits, period, (int) Math.min(scaled, 10_000_000));
    }

    public RateLimit withBurst(int newBurst) {
        return new RateLimit(permits, period, newBurst);
    }

    /** {@code 25/s (burst 50)}, for messages. */
    public String describe() {
        String unit = period.equals(Duration.ofSeconds(1)) ? "s" : period.equals(Duration.ofMinutes(1)) ? "min" : period.toMillis() + " ms";
        return permits + "/" + unit + " (burst " + burst + ")";
    }
}
