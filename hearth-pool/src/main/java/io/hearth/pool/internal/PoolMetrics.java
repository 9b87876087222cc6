package io.hearth.pool.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.pool.PoolKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Every meter the pools publish, registered and removed here only: a node-wide gauge of pooled sandboxes; per pool
 * its ready and starting gauges, which go when the pool goes; and per endpoint a claim timer and hit/miss counters.
 */
public final class PoolMetrics {
    private final MeterRegistry meters;
    private final Map<PoolKey, List<Meter>> perPool = new ConcurrentHashMap<>();
    private final Meter pooled;

    public PoolMetrics(MeterRegistry meters, IntSupplier pooled) {
        this.meters = requireNonNull(meters, "meters");
        this.pooled = Gauge.builder("hearth.pool.sandboxes", pooled, s -> s.getAsInt())
                .description("Sandboxes held by all warm pools, ready or starting")
                .register(meters);
    }

    /** Publishes a new pool's gauges. */
    public void added(Pool pool) {
        removed(pool.key()); // a gauge registered again under the same name would keep reading the old pool
        Tags tags = tags(pool.key());
        var gauges = List.<Meter>of(
                Gauge.builder("hearth.pool.ready", pool, Pool::readyCount).description("Ready sandboxes in one pool")
                        .tags(tags).register(meters),
                Gauge.builder("hearth.pool.starting", pool, Pool::startingCount).description("Sandboxes starting for one pool")
                        .tags(tags).register(meters));
        perPool.put(pool.key(), gauges);
    }

    /** A new session asked the pool for a sandbox: how long taking one took, and whether there was one. */
    public void claimed(PoolKey key, Duration took, boolean hit) {
        Timer.builder("hearth.pool.claim").description("Time to take a ready sandbox from a warm pool")
                .tags(tags(key)).register(meters).record(took);
        Counter.builder("hearth.pool.claims").description("New sessions served from a warm pool (hit) or started cold (miss)")
                .tags(tags(key)).tag("result", hit ? "hit" : "miss").register(meters).increment();
    }

    /** The pool is gone, and so are its gauges; claim totals stay, as counters do. */
    public void removed(PoolKey key) {
        List<Meter> gone = perPool.remove(key);
        if (gone != null) {
            gone.forEach(meters::remove);
        }
    }

    /** Removes the gauges published here: they read pools that no longer change. */
    public void close() {
        perPool.values().forEach(list -> list.forEach(meters::remove));
        perPool.clear();
        meters.remove(pooled);
    }

    private static Tags tags(PoolKey key) {
        return Tags.of("runtime", key.runtimeId(), "endpoint", key.endpointName());
    }
}
