package io.hearth.pool.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployment;
import io.hearth.deployment.Deployments;
import io.hearth.launcher.WarmSandbox;
import io.hearth.pool.PoolConfig;
import io.hearth.pool.PoolKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every pool to its target in one level-triggered pass: it looks only at what is (configurations, serving
 * versions, pre-warm windows, what each pool holds), never at what changed, so running it more often than needed
 * is harmless. It owns the set of pools: a pool exists while a configuration applies or a pre-warm window is open.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    /** The source of a pool that only a pre-warm window keeps: it has no configuration of its own. */
    static final String PRE_WARM = "pre-warm";

    private final PoolConfigs configs;
    private final Deployments deployments;
    private final WarmSandboxLifecycle lifecycle;
    private final PoolMetrics metrics;
    private final Clock clock;
    private final int maxPooled;
    private final Map<PoolKey, Pool> pools = new ConcurrentHashMap<>();
    private boolean closed; // guarded by this

    public Reconciler(PoolConfigs configs, Deployments deployments, WarmSandboxLifecycle lifecycle, PoolMetrics metrics,
            Clock clock, int maxPooled) {
        this.configs = requireNonNull(configs, "configs");
        this.deployments = requireNonNull(deployments, "deployments");
        this.lifecycle = requireNonNull(lifecycle, "lifecycle");
        this.metrics = requireNonNull(metrics, "metrics");
        this.clock = requireNonNull(clock, "clock");
        this.maxPooled = maxPooled;
    }

    public Optional<Pool> pool(PoolKey key) {
        return Optional.ofNullable(pools.get(key));
    }

    public Collection<Pool> pools() {
        return List.copyOf(pools.values());
    }

    /** Sandboxes all pools hold now, ready or starting. */
    public int pooled() {
        return pools.values().stream().mapToInt(Pool::held).sum();
    }

    /**
     * Opens a pre-warm window on the endpoint's pool, creating the pool if no configuration made one; the window
     * adds to the configuration and leaves it as it is.
     */
    public synchronized void warm(PoolKey key, int count, Duration window) {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        Pool pool = pools.get(key);
        if (pool == null) {
            pool = new Pool(key, PoolConfig.of(0, 0), PRE_WARM);
            pools.put(key, pool);
            metrics.added(pool);
        }
        pool.warm(count, now.plus(window));
    }

    /** One pass over every pool: evict what is dead, stale or of the wrong version, then start or stop toward the target. */
    public synchronized void pass() {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        Map<PoolKey, Deployment> serving = new HashMap<>();
        for (Deployment d : deployments.serving()) {
            serving.put(new PoolKey(d.runtimeId(), d.endpointName()), d);
        }
        Set<PoolKey> keys = new HashSet<>(configs.configured());
        keys.addAll(pools.keySet());
        serving.forEach((key, d) -> {
            if (PoolConfigs.fromTags(d).isPresent()) {
                keys.add(key);
            }
        });
        for (PoolKey key : keys) {
            Optional<Deployment> d = Optional.ofNullable(serving.get(key));
            Optional<PoolConfigs.Applied> applied = configs.applied(key, d);
            Pool pool = pools.get(key);
            if (applied.isEmpty() && (pool == null || !pool.warming(now))) {
                if (pool != null) {
                    pools.remove(key);
                    metrics.removed(key);
                    lifecycle.drain(pool, "its pool was removed");
                }
                continue;
            }
            PoolConfigs.Applied config = applied.orElse(new PoolConfigs.Applied(PoolConfig.of(0, 0), PRE_WARM));
            if (pool == null) {
                pool = new Pool(key, config.config(), config.source());
                pools.put(key, pool);
                metrics.added(pool);
            }
            pool.configure(config.config(), config.source());
            reconcile(pool, d, now);
        }
    }

    private void reconcile(Pool pool, Optional<Deployment> d, Instant now) {
        pool.serving(d.map(Deployment::version));
        Duration maxAge = Duration.ofSeconds(pool.config().maxIdleAgeSeconds());
        for (WarmSandbox gone : pool.evict(w -> !w.sandbox().isAlive())) {
            lifecycle.retire(gone.sandbox(), "its agent ended");
        }
        lifecycle.retire(pool.evict(w -> d.isEmpty() || !w.version().equals(d.get().version())),
                "the endpoint no longer serves its version");
        lifecycle.retire(pool.evict(w -> Duration.between(w.readyAt(), now).compareTo(maxAge) >= 0),
                "it was unclaimed for " + maxAge.toSeconds() + " s");
        if (d.isEmpty()) {
            return;
        }
        PoolSizing.Target target = pool.size(now);
        int missing = target.size() - pool.held();
        if (missing > 0 && !pool.backingOff(now)) {
            int room = Math.max(0, maxPooled - pooled());
            for (int i = 0; i < Math.min(missing, room); i++) {
                lifecycle.launch(pool, d.get());
            }
            if (room < missing) {
                LOG.debug("pool {} wants {} more but the node cap of {} pooled sandboxes is reached", pool.key(), missing,
                        maxPooled);
            }
        } else if (missing < 0) {
            lifecycle.retire(pool.trim(-missing),
                    "the pool's target fell to " + target.size() + " (" + target.reason() + ")");
        }
    }

    /**
     * Ends reconciling: no pass runs after this returns, and every pool is closed (it accepts no sandbox) with its
     * ready sandboxes handed to the lifecycle to stop.
     */
    public synchronized void close() {
        closed = true;
        for (Pool pool : pools.values()) {
            lifecycle.drain(pool, "the pools are closing");
        }
    }
}
