package io.hearth.pool.internal;

import io.hearth.deployment.Deployment;
import io.hearth.pool.PoolConfig;
import io.hearth.pool.PoolKey;
import io.hearth.pool.PoolStatus;
import io.hearth.launcher.WarmSandbox;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint's pool: the ready sandboxes (oldest first), how many are starting, and what the sizing needs to
 * know. The deque is the only hand-over point: a sandbox leaves it exactly once, by a claim or by an eviction.
 */
public final class Pool {
    private static final Duration ARRIVAL_WINDOW = Duration.ofMinutes(1);
    private static final double COLD_START_WEIGHT = 0.3;

    public final PoolKey key;
    public final ConcurrentLinkedDeque<WarmSandbox> ready = new ConcurrentLinkedDeque<>();
    public final AtomicInteger starting = new AtomicInteger();
    public final AtomicLong hits = new AtomicLong();
    public final AtomicLong misses = new AtomicLong();
    private final ArrivalRate arrivals = new ArrivalRate(ARRIVAL_WINDOW);
    private final List<PoolSizing.WarmWindow> windows = new ArrayList<>();
    private volatile PoolConfig config;
    private volatile String source;
    private volatile Optional<String> version = Optional.empty();
    private volatile PoolSizing.Target target = new PoolSizing.Target(0, "not sized yet");
    private volatile long coldStartMillis = 1_000;
    private volatile Instant backoffUntil = Instant.EPOCH;

    public Pool(PoolKey key, PoolConfig config, String source) {
        this.key = key;
        this.config = config;
        this.source = source;
    }

    public void configure(PoolConfig newConfig, String newSource) {
        this.config = newConfig;
        this.source = newSource;
    }

    public PoolConfig config() {
        return config;
    }

    public Optional<String> version() {
        return version;
    }

    public void serving(Optional<String> servedVersion) {
        this.version = servedVersion;
    }

    public void arrived(Instant at) {
        arrivals.record(at);
    }

    public synchronized void warm(int count, Instant until) {
        windows.add(new PoolSizing.WarmWindow(count, until));
    }

    /** Decides the size for {@code now}, forgetting pre-warm windows that have closed. */
    public PoolSizing.Target size(Instant now) {
        List<PoolSizing.WarmWindow> open;
        synchronized (this) {
            windows.removeIf(w -> !now.isBefore(w.until()));
            open = List.copyOf(windows);
        }
        target = PoolSizing.target(config, now, open, arrivals.perSecond(now), Duration.ofMillis(coldStartMillis));
        return target;
    }

    public void measuredColdStart(Duration took) {
        coldStartMillis = Math.round(COLD_START_WEIGHT * took.toMillis() + (1 - COLD_START_WEIGHT) * coldStartMillis);
    }

    public boolean backingOff(Instant now) {
        return now.isBefore(backoffUntil);
    }

    public void backOff(Instant until) {
        backoffUntil = until;
    }

    /** Whether a just-started sandbox of {@code deployment} still belongs here. */
    public boolean wants(Deployment deployment) {
        return version.map(deployment.version()::equals).orElse(false);
    }

    public int held() {
        return ready.size() + starting.get();
    }

    public PoolStatus status(Instant now) {
        return new PoolStatus(key.runtimeId(), key.endpointName(), source, config, version, ready.size(), starting.get(),
                target.size(), target.reason(), arrivals.perSecond(now), coldStartMillis, hits.get(), misses.get());
    }
}
