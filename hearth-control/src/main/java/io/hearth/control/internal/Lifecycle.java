package io.hearth.control.internal;

import java.util.Optional;

/**
 * {@code lifecycleConfiguration} with AgentCore's defaulting rules: neither value gives 900 s / 28,800 s; only
 * {@code maxLifetime} at or below 900 s makes idle equal to it; otherwise idle defaults to 900 s.
 */
record Lifecycle(long idleSeconds, long maxSeconds) {
    static final long DEFAULT_IDLE = 900;
    static final long DEFAULT_MAX = 28_800;

    static Lifecycle of(Optional<Long> idle, Optional<Long> max) {
        long maxSeconds = max.orElse(DEFAULT_MAX);
        long idleSeconds = idle.orElse(Math.min(DEFAULT_IDLE, maxSeconds));
        return new Lifecycle(idleSeconds, maxSeconds);
    }
}
