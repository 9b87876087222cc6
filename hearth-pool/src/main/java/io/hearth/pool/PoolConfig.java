package io.hearth.pool;

import io.hearth.deployment.HearthTags;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How many ready sandboxes an endpoint keeps.
 *
 * @param minIdle           always keep at least this many ready
 * @param maxIdle           predictive sizing never asks for more than this (explicit pre-warms and schedules may)
 * @param maxIdleAgeSeconds an unclaimed sandbox older than this is replaced, so pooled agents stay fresh
 * @param predictive        whether to size from the recent arrival rate of new sessions
 * @param schedules         recurring pre-warm windows
 */
public record PoolConfig(int minIdle, int maxIdle, long maxIdleAgeSeconds, boolean predictive, List<PoolSchedule> schedules) {
    public static final long DEFAULT_MAX_IDLE_AGE = Duration.ofHours(1).toSeconds();

    public PoolConfig {
        if (minIdle < 0 || minIdle > 10_000) {
            throw new IllegalArgumentException("minIdle: " + minIdle + " (expected: 0 to 10000)");
        }
        if (maxIdle < minIdle || maxIdle > 10_000) {
            throw new IllegalArgumentException("maxIdle: " + maxIdle + " (expected: minIdle (" + minIdle + ") to 10000)");
        }
        if (maxIdleAgeSeconds < 1) {
            throw new IllegalArgumentException("maxIdleAgeSeconds: " + maxIdleAgeSeconds + " (expected: 1 or more)");
        }
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
    }

    public static PoolConfig of(int minIdle, int maxIdle) {
        return new PoolConfig(minIdle, maxIdle, DEFAULT_MAX_IDLE_AGE, true, List.of());
    }

    /**
     * The pool an AWS SDK user asks for with runtime tags ({@code hearth:pool:minIdle}, {@code hearth:pool:maxIdle},
     * {@code hearth:pool:maxIdleAgeSeconds}, {@code hearth:pool:predictive}); empty when no pool tag is set.
     * Cron schedules cannot travel in tags ({@code *} is not a legal tag character): set them through the API.
     */
    public static Optional<PoolConfig> fromTags(HearthTags hearth) {
        if (!hearth.wantsPool()) {
            return Optional.empty();
        }
        int minIdle = hearth.poolMinIdle().orElse(0);
        int maxIdle = Math.max(minIdle, hearth.poolMaxIdle().orElse(Math.max(minIdle, 1)));
        return Optional.of(new PoolConfig(minIdle, maxIdle, hearth.poolMaxIdleAgeSeconds().orElse(DEFAULT_MAX_IDLE_AGE),
                hearth.poolPredictive().orElse(true), List.of()));
    }
}
