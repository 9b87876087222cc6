package io.hearth.pool;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.Json;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.DeploymentListener;
import io.hearth.deployment.Deployments;
import io.hearth.pool.internal.Pool;
import io.hearth.pool.internal.PoolSizing;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxIds;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.launcher.WarmSandbox;
import io.hearth.launcher.WarmSandboxes;
import io.hearth.store.Store;
import io.hearth.store.StoredPool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm pools: per endpoint, sandboxes started ahead of need and handed to new sessions with one atomic claim.
 * All sizing decisions are made here (minimum, explicit pre-warms, cron schedules, arrival-rate prediction, the
 * node-wide cap); the session manager only claims and reports arrivals. A level-triggered reconcile pass brings
 * every pool to its target: it is idempotent, so running it more often than needed is harmless.
 */
public final class PoolManager implements WarmSandboxes, DeploymentListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);
    private static final Duration LAUNCH_BACKOFF = Duration.ofSeconds(5);

    private final SandboxLauncher launcher;
    private final Deployments deployments;
    private final Store store;
    private final Clock clock;
    private final int maxPooled;
    private final MeterRegistry meters;
    private final Map<PoolKey, PoolConfig> configured = new ConcurrentHashMap<>();
    private final Map<PoolKey, Pool> pools = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean nudged = new AtomicBoolean();
    private ScheduledExecutorService ticker;

    /**
     * @param maxPooled the most sandboxes all pools together may hold (ready or starting): node capacity they take
     */
    public PoolManager(SandboxLauncher launcher, Deployments deployments, Store store, Clock clock, int maxPooled,
            MeterRegistry meters) {
        this.launcher = requireNonNull(launcher, "launcher");
        this.deployments = requireNonNull(deployments, "deployments");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.meters = requireNonNull(meters, "meters");
        if (maxPooled < 0) {
            throw new IllegalArgumentException("maxPooled: " + maxPooled + " (expected: 0 or more)");
        }
        this.maxPooled = maxPooled;
        for (StoredPool stored : store.transaction(tx -> tx.pools())) {
            configured.put(new PoolKey(stored.runtimeId(), stored.endpointName()),
                    Json.read(stored.config().getBytes(java.nio.charset.StandardCharsets.UTF_8), PoolConfig.class));
        }
        Gauge.builder("hearth.pool.sandboxes", this, PoolManager::pooled)
                .description("Sandboxes held by all warm pools, ready or starting")
                .register(meters);
    }

    /** Reconciles every {@code period} from now on. */
    public PoolManager start(Duration period) {
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("hearth-pool-ticker").factory());
        ticker.scheduleWithFixedDelay(this::reconcileQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    // ---- the operator's side

    /** Sets an endpoint's pool (stored; survives restarts) and returns its status. */
    public PoolStatus configure(PoolKey key, PoolConfig config) {
        deployments.resolve(key.runtimeId(), key.endpointName());
        store.transaction(tx -> {
            tx.savePool(new StoredPool(key.runtimeId(), key.endpointName(), Json.writeString(config), clock.instant()));
            return null;
        });
        configured.put(key, config);
        reconcile();
        return status(key).orElseThrow();
    }

    /** Removes an endpoint's API-set pool; its ready sandboxes stop. Returns false when it had none. */
    public boolean remove(PoolKey key) {
        store.transaction(tx -> {
            tx.deletePool(key.runtimeId(), key.endpointName());
            return null;
        });
        boolean had = configured.remove(key) != null;
        reconcile();
        return had;
    }

    /**
     * Keeps {@code count} sandboxes ready on the endpoint for {@code window}; extras left unclaimed are released
     * when it closes. Works on endpoints without a configured pool too.
     */
    public PoolStatus warm(PoolKey key, int count, Duration window) {
        if (count < 1 || count > 10_000) {
            throw ApiException.validation("count: " + count + " (expected: 1 to 10000)");
        }
        if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofDays(1)) > 0) {
            throw ApiException.validation("for: " + window + " (expected: more than 0 s and at most 24 h)");
        }
        deployments.resolve(key.runtimeId(), key.endpointName());
        configured.putIfAbsent(key, PoolConfig.of(0, 0));
        Pool pool = pools.computeIfAbsent(key, k -> newPool(k, configured.get(k), "api"));
        pool.warm(count, clock.instant().plus(window));
        reconcile();
        return status(key).orElseThrow();
    }

    public List<PoolStatus> status() {
        Instant now = clock.instant();
        return pools.values().stream()
                .sorted(Comparator.comparing((Pool p) -> p.key.runtimeId()).thenComparing(p -> p.key.endpointName()))
                .map(p -> p.status(now))
                .toList();
    }

    public Optional<PoolStatus> status(PoolKey key) {
        return Optional.ofNullable(pools.get(key)).map(p -> p.status(clock.instant()));
    }

    public int maxPooled() {
        return maxPooled;
    }

    /** Sandboxes all pools hold now, ready or starting. */
    public int pooled() {
        return pools.values().stream().mapToInt(Pool::held).sum();
    }

    // ---- the session manager's side

    @Override
    public Optional<WarmSandbox> claim(Deployment d) {
        Pool pool = pools.get(new PoolKey(d.runtimeId(), d.endpointName()));
        if (pool == null) {
            return Optional.empty();
        }
        long started = System.nanoTime();
        WarmSandbox claimed;
        while ((claimed = pool.ready.pollFirst()) != null) {
            if (claimed.sandbox().isAlive() && claimed.version().equals(d.version())) {
                break;
            }
            retire(claimed.sandbox(), "no longer usable by a session of version " + d.version());
        }
        Timer.builder("hearth.pool.claim").description("Time to take a ready sandbox from a warm pool")
                .tags("runtime", d.runtimeId(), "endpoint", d.endpointName())
                .register(meters).record(Duration.ofNanos(System.nanoTime() - started));
        boolean hit = claimed != null;
        (hit ? pool.hits : pool.misses).incrementAndGet();
        Counter.builder("hearth.pool.claims").description("New sessions served from a warm pool (hit) or started cold (miss)")
                .tags("runtime", d.runtimeId(), "endpoint", d.endpointName(), "result", hit ? "hit" : "miss")
                .register(meters).increment();
        nudge();
        return Optional.ofNullable(claimed);
    }

    @Override
    public void arrived(Deployment d) {
        Pool pool = pools.get(new PoolKey(d.runtimeId(), d.endpointName()));
        if (pool != null) {
            pool.arrived(clock.instant());
        }
    }

    // ---- control-plane changes

    @Override
    public void runtimeDeleted(String runtimeId) {
        configured.keySet().removeIf(k -> k.runtimeId().equals(runtimeId));
        nudge();
    }

    @Override
    public void endpointDeleted(String runtimeId, String endpointName) {
        var key = new PoolKey(runtimeId, endpointName);
        if (configured.remove(key) != null) {
            store.transaction(tx -> {
                tx.deletePool(runtimeId, endpointName);
                return null;
            });
        }
        nudge();
    }

    @Override
    public void endpointMoved(String runtimeId, String endpointName, String version) {
        nudge(); // the next pass drains sandboxes of the old version and starts ones of the new
    }

    // ---- reconciling

    /** One pass over every pool: evict what is dead, stale or of the wrong version, then start or stop toward the target. */
    public synchronized void reconcile() {
        if (closed.get()) {
            return;
        }
        Instant now = clock.instant();
        Map<PoolKey, Deployment> serving = new HashMap<>();
        for (Deployment d : deployments.serving()) {
            serving.put(new PoolKey(d.runtimeId(), d.endpointName()), d);
        }
        Set<PoolKey> keys = new HashSet<>(configured.keySet());
        keys.addAll(pools.keySet());
        serving.forEach((key, d) -> {
            if (tagConfig(d).isPresent()) {
                keys.add(key);
            }
        });
        for (PoolKey key : keys) {
            Deployment d = serving.get(key);
            PoolConfig api = configured.get(key);
            Optional<PoolConfig> config = api != null ? Optional.of(api) : Optional.ofNullable(d).flatMap(this::tagConfig);
            if (config.isEmpty()) {
                Pool gone = pools.remove(key);
                if (gone != null) {
                    drain(gone, "its pool was removed");
                }
                continue;
            }
            Pool pool = pools.computeIfAbsent(key, k -> newPool(k, config.get(), api != null ? "api" : "tags"));
            pool.configure(config.get(), api != null ? "api" : "tags");
            reconcile(pool, Optional.ofNullable(d), now);
        }
    }

    private void reconcile(Pool pool, Optional<Deployment> d, Instant now) {
        pool.serving(d.map(Deployment::version));
        Duration maxAge = Duration.ofSeconds(pool.config().maxIdleAgeSeconds());
        for (WarmSandbox warm : List.copyOf(pool.ready)) {
            String why = !warm.sandbox().isAlive() ? "its agent ended"
                    : d.isEmpty() || !warm.version().equals(d.get().version()) ? "the endpoint moved off version " + warm.version()
                    : Duration.between(warm.readyAt(), now).compareTo(maxAge) >= 0 ? "it was unclaimed for " + maxAge.toSeconds() + " s"
                    : null;
            if (why != null && pool.ready.remove(warm)) {
                retire(warm.sandbox(), why);
            }
        }
        if (d.isEmpty()) {
            return;
        }
        PoolSizing.Target target = pool.size(now);
        int missing = target.size() - pool.held();
        if (missing > 0 && !pool.backingOff(now)) {
            int room = Math.max(0, maxPooled - pooled());
            for (int i = 0; i < Math.min(missing, room); i++) {
                launch(pool, d.get());
            }
            if (room < missing) {
                LOG.debug("pool {} wants {} more but the node cap of {} pooled sandboxes is reached", pool.key, missing, maxPooled);
            }
        } else if (missing < 0) {
            for (int i = 0; i < -missing; i++) {
                WarmSandbox extra = pool.ready.pollLast();
                if (extra == null) {
                    break;
                }
                retire(extra.sandbox(), "the pool's target fell to " + target.size() + " (" + target.reason() + ")");
            }
        }
    }

    private void launch(Pool pool, Deployment d) {
        pool.starting.incrementAndGet();
        workers.execute(() -> {
            Instant started = clock.instant();
            long startedNanos = System.nanoTime();
            Sandbox sandbox = null;
            try {
                sandbox = launcher.start(d, SandboxIds.next());
                launcher.awaitReady(d, sandbox, Instant.now(), () -> closed.get() || !pool.wants(d));
                pool.measuredColdStart(Duration.ofNanos(System.nanoTime() - startedNanos));
                if (closed.get() || !pool.wants(d) || pools.get(pool.key) != pool) {
                    retire(sandbox, "it was no longer wanted when it became ready");
                    return;
                }
                var warm = new WarmSandbox(sandbox, launcher.driverName(d), d.version(),
                        launcher.logFile(d, sandbox.id()), clock.instant());
                pool.ready.addLast(warm);
                sandbox.exit().thenRun(() -> pool.ready.remove(warm));
            } catch (SandboxLauncher.LaunchException | ApiException e) {
                LOG.warn("pool {}: a sandbox failed to start ({}); retrying after {} s", pool.key, e.getMessage(),
                        LAUNCH_BACKOFF.toSeconds());
                pool.backOff(started.plus(LAUNCH_BACKOFF));
                if (sandbox != null) {
                    retire(sandbox, "it failed to start");
                }
            } finally {
                pool.starting.decrementAndGet();
            }
        });
    }

    private Optional<PoolConfig> tagConfig(Deployment d) {
        try {
            return PoolConfig.fromTags(d.settings());
        } catch (IllegalArgumentException e) {
            LOG.warn("runtime {}: ignoring its pool tags: {}", d.runtimeId(), e.getMessage());
            return Optional.empty();
        }
    }

    private Pool newPool(PoolKey key, PoolConfig config, String source) {
        var pool = new Pool(key, config, source);
        Gauge.builder("hearth.pool.ready", pool, p -> p.ready.size()).description("Ready sandboxes in one pool")
                .tags("runtime", key.runtimeId(), "endpoint", key.endpointName()).register(meters);
        Gauge.builder("hearth.pool.starting", pool, p -> p.starting.get()).description("Sandboxes starting for one pool")
                .tags("runtime", key.runtimeId(), "endpoint", key.endpointName()).register(meters);
        return pool;
    }

    private void drain(Pool pool, String why) {
        WarmSandbox warm;
        while ((warm = pool.ready.pollFirst()) != null) {
            retire(warm.sandbox(), why);
        }
        meters.find("hearth.pool.ready").tags("runtime", pool.key.runtimeId(), "endpoint", pool.key.endpointName())
                .meters().forEach(meters::remove);
        meters.find("hearth.pool.starting").tags("runtime", pool.key.runtimeId(), "endpoint", pool.key.endpointName())
                .meters().forEach(meters::remove);
    }

    private void retire(Sandbox sandbox, String why) {
        LOG.debug("stopping pooled sandbox {}: {}", sandbox.id(), why);
        try {
            workers.execute(sandbox::stop);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            sandbox.stop(); // shutting down: stop it here rather than leave it behind
        }
    }

    /** Asks for a pass soon, coalescing bursts of claims into one. */
    private void nudge() {
        if (nudged.compareAndSet(false, true)) {
            workers.execute(() -> {
                nudged.set(false);
                reconcileQuietly();
            });
        }
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warn("pool reconcile pass failed", e);
        }
    }

    /** Stops every pooled sandbox; sandboxes already claimed belong to their sessions. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (ticker != null) {
            ticker.shutdownNow();
        }
        var stopping = new ArrayList<Sandbox>();
        for (Pool pool : pools.values()) {
            WarmSandbox warm;
            while ((warm = pool.ready.pollFirst()) != null) {
                stopping.add(warm.sandbox());
            }
        }
        stopping.parallelStream().forEach(Sandbox::stop);
        workers.close();
    }
}
