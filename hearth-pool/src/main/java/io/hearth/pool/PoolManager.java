package io.hearth.pool;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployment;
import io.hearth.deployment.DeploymentListener;
import io.hearth.deployment.Deployments;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.launcher.WarmSandbox;
import io.hearth.launcher.WarmSandboxes;
import io.hearth.pool.internal.Pool;
import io.hearth.pool.internal.PoolConfigs;
import io.hearth.pool.internal.PoolMetrics;
import io.hearth.pool.internal.Reconciler;
import io.hearth.pool.internal.WarmSandboxLifecycle;
import io.hearth.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm pools: per endpoint, sandboxes started ahead of need and handed to new sessions with one atomic claim.
 * All sizing decisions are made behind this facade (minimum, explicit pre-warms, cron schedules, arrival-rate
 * prediction, the node-wide cap); the session manager only claims and reports arrivals. The pieces:
 * {@link PoolConfigs} (what applies to each endpoint), {@link Reconciler} (the level-triggered pass),
 * {@link WarmSandboxLifecycle} (launch, retire, drain) and {@link PoolMetrics}.
 */
public final class PoolManager implements WarmSandboxes, DeploymentListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);
    private static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(5);
    private static final int MAX_WARM_COUNT = 10_000;
    private static final Duration MAX_WARM_WINDOW = Duration.ofDays(1);

    private final Deployments deployments;
    private final Clock clock;
    private final int maxPooled;
    private final PoolConfigs configs;
    private final PoolMetrics metrics;
    private final WarmSandboxLifecycle lifecycle;
    private final Reconciler reconciler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean nudged = new AtomicBoolean();
    private volatile ScheduledExecutorService ticker;

    /**
     * @param maxPooled the most sandboxes all pools together may hold (ready or starting): node capacity they take
     */
    public PoolManager(SandboxLauncher launcher, Deployments deployments, Store store, Clock clock, int maxPooled,
            MeterRegistry meters) {
        if (maxPooled < 0) {
            throw new IllegalArgumentException("maxPooled: " + maxPooled + " (expected: 0 or more)");
        }
        this.deployments = requireNonNull(deployments, "deployments");
        this.clock = requireNonNull(clock, "clock");
        this.maxPooled = maxPooled;
        this.configs = new PoolConfigs(store, clock);
        this.lifecycle = new WarmSandboxLifecycle(launcher, clock, maxPooled);
        this.metrics = new PoolMetrics(meters, this::pooled);
        this.reconciler = new Reconciler(configs, deployments, lifecycle, metrics, clock, maxPooled);
    }

    /** Reconciles every {@code period} from now on. */
    public PoolManager start(Duration period) {
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("hearth-pool-ticker").factory());
        ticker.scheduleWithFixedDelay(this::reconcileQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    // ---- the operator's side

    /** Sets an endpoint's pool (stored; survives restarts; takes precedence over tags) and returns its status. */
    public PoolStatus configure(PoolKey key, PoolConfig config) {
        requireNonNull(config, "config");
        deployments.resolve(key.runtimeId(), key.endpointName());
        configs.save(key, config);
        reconcile();
        return status(key).orElseThrow();
    }

    /** Removes an endpoint's API-set pool (tags apply again, if any). Returns false when it had none. */
    public boolean remove(PoolKey key) {
        boolean had = configs.delete(key);
        reconcile();
        return had;
    }

    /**
     * Keeps at least {@code count} sandboxes ready on the endpoint for {@code window}, on top of whatever
     * configuration applies (API or tags), which it leaves as it is; extras left unclaimed are released when the
     * window closes. Works on endpoints without a pool too.
     *
     * @throws IllegalArgumentException when {@code count} or {@code window} is out of range (the message names it)
     */
    public PoolStatus warm(PoolKey key, int count, Duration window) {
        if (count < 1 || count > MAX_WARM_COUNT) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1 to " + MAX_WARM_COUNT + ")");
        }
        if (window.isNegative() || window.isZero() || window.compareTo(MAX_WARM_WINDOW) > 0) {
            throw new IllegalArgumentException("forSeconds: " + window.toSeconds()
                    + " (expected: more than 0 and at most " + MAX_WARM_WINDOW.toSeconds() + ")");
        }
        deployments.resolve(key.runtimeId(), key.endpointName());
        reconciler.warm(key, count, window);
        reconcile();
        return status(key).orElseThrow(() -> new IllegalStateException("pool " + key + ": closed"));
    }

    public List<PoolStatus> status() {
        Instant now = clock.instant();
        return reconciler.pools().stream()
                .sorted(Comparator.comparing((Pool p) -> p.key().runtimeId()).thenComparing(p -> p.key().endpointName()))
                .map(p -> p.status(now))
                .toList();
    }

    public Optional<PoolStatus> status(PoolKey key) {
        return reconciler.pool(key).map(p -> p.status(clock.instant()));
    }

    public int maxPooled() {
        return maxPooled;
    }

    /** Sandboxes all pools hold now, ready or starting. */
    public int pooled() {
        return reconciler.pooled();
    }

    // ---- the session manager's side

    @Override
    public Optional<WarmSandbox> claim(Deployment d) {
        var key = new PoolKey(d.runtimeId(), d.endpointName());
        Optional<Pool> pool = reconciler.pool(key);
        if (pool.isEmpty()) {
            return Optional.empty();
        }
        long started = System.nanoTime();
        Optional<WarmSandbox> claimed = pool.get().claim(d.version(),
                unusable -> lifecycle.retire(unusable.sandbox(), "no longer usable by a session of version " + d.version()));
        metrics.claimed(key, Duration.ofNanos(System.nanoTime() - started), claimed.isPresent());
        nudge();
        return claimed;
    }

    @Override
    public void arrived(Deployment d) {
        reconciler.pool(new PoolKey(d.runtimeId(), d.endpointName())).ifPresent(p -> p.arrived(clock.instant()));
    }

    // ---- control-plane changes

    @Override
    public void runtimeDeleted(String runtimeId) {
        configs.runtimeDeleted(runtimeId);
        nudge();
    }

    @Override
    public void endpointDeleted(String runtimeId, String endpointName) {
        configs.delete(new PoolKey(runtimeId, endpointName));
        nudge();
    }

    @Override
    public void endpointMoved(String runtimeId, String endpointName, String version) {
        nudge(); // the next pass drains sandboxes of the old version and starts ones of the new
    }

    // ---- reconciling

    /** One pass over every pool now (idempotent; see {@link Reconciler}). */
    public void reconcile() {
        reconciler.pass();
    }

    /** Asks for a pass soon, coalescing bursts of claims into one. */
    private void nudge() {
        if (nudged.compareAndSet(false, true) && !lifecycle.run(() -> {
            nudged.set(false);
            reconcileQuietly();
        })) {
            nudged.set(false); // closing or saturated: the ticker's next pass does it
        }
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warn("pool reconcile pass failed", e);
        }
    }

    /**
     * Stops launching, stops every pooled sandbox and every one a launch still starts, within about {@code grace};
     * sandboxes already claimed belong to their sessions. Nothing enters a pool after this.
     */
    public void close(Duration grace) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ScheduledExecutorService t = ticker;
        if (t != null) {
            t.shutdownNow();
        }
        reconciler.close();
        lifecycle.close(grace);
        metrics.close();
    }

    @Override
    public void close() {
        close(DEFAULT_CLOSE_GRACE);
    }
}
