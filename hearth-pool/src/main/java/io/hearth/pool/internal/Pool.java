package io.hearth.pool.internal;

import io.hearth.deployment.Deployment;
import io.hearth.launcher.WarmSandbox;
import io.hearth.pool.PoolConfig;
import io.hearth.pool.PoolKey;
import io.hearth.pool.PoolStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One endpoint's pool: the ready sandboxes (oldest first), how many are starting, and what the sizing needs to
 * know. The ready deque is the only hand-over point, and only this class touches it: a sandbox enters it once
 * ({@link #offer}) and leaves it once, by a {@link #claim}, an {@link #evict}ion, a {@link #trim} or {@link #close}.
 * Once closed, a pool accepts nothing: whoever holds a sandbox it refused must stop it.
 */
public final class Pool {
    private static final Duration ARRIVAL_WINDOW = Duration.ofMinutes(1);
    private static final double COLD_START_WEIGHT = 0.3;

    private final PoolKey key;
    private final ConcurrentLinkedDeque<WarmSandbox> ready = new ConcurrentLinkedDeque<>();
    private final AtomicInteger starting = new AtomicInteger();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final ArrivalRate arrivals = new ArrivalRate(ARRIVAL_WINDOW);
    private final List<PoolSizing.WarmWindow> windows = new ArrayList<>();
    private boolean closed; // guarded by this: offer and close must not interleave
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

    public PoolKey key() {
        return key;
    }

    // ---- configuration and sizing

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

    /** Adds a pre-warm window on top of whatever configuration applies; it ends by itself at {@code until}. */
    public synchronized void warm(int count, Instant until) {
        windows.add(new PoolSizing.WarmWindow(count, until));
    }

    /** Whether a pre-warm window is still open at {@code now}: such a pool lives on even with no configuration. */
    public synchronized boolean warming(Instant now) {
        windows.removeIf(w -> !now.isBefore(w.until()));
        return !windows.isEmpty();
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
        return !isClosed() && version.map(deployment.version()::equals).orElse(false);
    }

    // ---- the hand-over

    /** Counts a launch as held from now on; false (and nothing counted) once the pool is closed. */
    public synchronized boolean launching() {
        if (closed) {
            return false;
        }
        starting.incrementAndGet();
        return true;
    }

    /** A launch counted by {@link #launching} has ended, whether its sandbox was offered or not. */
    public void launchEnded() {
        starting.decrementAndGet();
    }

    /** Puts a ready sandbox in the pool; false when the pool is closed, and the caller still owns (and stops) it. */
    public synchronized boolean offer(WarmSandbox warm) {
        if (closed) {
            return false;
        }
        ready.addLast(warm);
        return true;
    }

    /**
     * Takes the oldest ready sandbox that runs {@code version} and is alive, counting a hit or a miss. Sandboxes
     * found unusable on the way are removed and handed to {@code unusable}, which must stop them.
     */
    public Optional<WarmSandbox> claim(String version, Consumer<WarmSandbox> unusable) {
        WarmSandbox claimed;
        while ((claimed = ready.pollFirst()) != null) {
            if (claimed.sandbox().isAlive() && claimed.version().equals(version)) {
                break;
            }
            unusable.accept(claimed);
        }
        (claimed != null ? hits : misses).incrementAndGet();
        return Optional.ofNullable(claimed);
    }

    /** Removes and returns the ready sandboxes that {@code stale} matches; the caller stops them. */
    public List<WarmSandbox> evict(Predicate<WarmSandbox> stale) {
        var evicted = new ArrayList<WarmSandbox>();
        for (WarmSandbox warm : List.copyOf(ready)) {
            if (stale.test(warm) && ready.remove(warm)) {
                evicted.add(warm);
            }
        }
        return evicted;
    }

    /** Removes and returns up to {@code count} of the newest ready sandboxes; the caller stops them. */
    public List<WarmSandbox> trim(int count) {
        var extras = new ArrayList<WarmSandbox>();
        WarmSandbox extra;
        while (extras.size() < count && (extra = ready.pollLast()) != null) {
            extras.add(extra);
        }
        return extras;
    }

    /** Forgets a sandbox that ended by itself while ready. */
    public void forget(WarmSandbox ended) {
        ready.remove(ended);
    }

    /** Refuses every later offer and launch, and returns the ready sandboxes it held; the caller stops them. */
    public synchronized List<WarmSandbox> close() {
        closed = true;
        var held = new ArrayList<WarmSandbox>();
        WarmSandbox warm;
        while ((warm = ready.pollFirst()) != null) {
            held.add(warm);
        }
        return held;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    // ---- what it holds

    public int readyCount() {
        return ready.size();
    }

    public int startingCount() {
        return starting.get();
    }

    /** Sandboxes it takes from node capacity: ready plus starting. */
    public int held() {
        return ready.size() + starting.get();
    }

    public PoolStatus status(Instant now) {
        return new PoolStatus(key.runtimeId(), key.endpointName(), source, config, version, ready.size(), starting.get(),
                target.size(), target.reason(), arrivals.perSecond(now), coldStartMillis, hits.get(), misses.get());
    }
}
