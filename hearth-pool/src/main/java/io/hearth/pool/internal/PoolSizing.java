package io.hearth.pool.internal;

import io.hearth.pool.PoolConfig;
import io.hearth.pool.PoolSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The one place that decides how many ready sandboxes an endpoint should hold. Pure: the same inputs always give
 * the same answer, so it is tested on synthetic traces with no clock or sandbox in sight.
 */
public final class PoolSizing {
    private PoolSizing() {}

    /** A decision and the reason for it, for the status API and the logs. */
    public record Target(int size, String reason) {}

    /**
     * @param config      the pool's settings
     * @param now         the instant to decide for
     * @param warmWindows explicit pre-warm requests still open (each a size until an instant)
     * @param arrivals    new sessions per second at this endpoint recently
     * @param coldStart   how long a sandbox of this endpoint takes to become ready
     */
    public static Target target(PoolConfig config, Instant now, List<WarmWindow> warmWindows, double arrivals,
            Duration coldStart) {
        int size = config.minIdle();
        String reason = "minIdle " + config.minIdle();
        if (config.predictive() && arrivals > 0) {
            int predicted = Math.min(config.maxIdle(), predicted(arrivals, coldStart));
            if (predicted > size) {
                size = predicted;
                reason = String.format("predicted from %.2f new sessions/s over a %d ms cold start (maxIdle %d)",
                        arrivals, coldStart.toMillis(), config.maxIdle());
            }
        }
        for (PoolSchedule schedule : config.schedules()) {
            if (schedule.size() > size && schedule.activeAt(now)) {
                size = schedule.size();
                reason = "schedule \"" + schedule.cron() + "\" (" + schedule.size() + " for " + schedule.durationSeconds() + " s)";
            }
        }
        for (WarmWindow window : warmWindows) {
            if (window.count() > size && now.isBefore(window.until())) {
                size = window.count();
                reason = "pre-warm of " + window.count() + " until " + window.until();
            }
        }
        return new Target(size, reason);
    }

    /**
     * Enough ready sandboxes that new sessions arriving while one refills do not wait: the expected arrivals during
     * one cold start, plus two standard deviations of a Poisson stream, rounded up.
     */
    static int predicted(double arrivalsPerSecond, Duration coldStart) {
        double expected = arrivalsPerSecond * (coldStart.toMillis() / 1000.0);
        return (int) Math.ceil(expected + 2 * Math.sqrt(expected));
    }

    /** An explicit pre-warm: keep {@code count} ready until {@code until}. */
    public record WarmWindow(int count, Instant until) {}
}
