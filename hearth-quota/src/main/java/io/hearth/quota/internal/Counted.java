package io.hearth.quota.internal;

import io.hearth.quota.Lease;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.Map;

/** A counted limit per key (a tenant today, a principal later): take a unit under the limit, or be refused. */
public final class Counted<K> {
    private final Map<K, AtomicInteger> counts = new ConcurrentHashMap<>();

    /**
     * Takes one unit for the key if fewer than {@code limit} are held.
     *
     * @param refusal builds the exception to throw from the count held
     */
    public Lease acquire(K key, int limit, IntFunction<? extends RuntimeException> refusal) {
        AtomicInteger count = counts.computeIfAbsent(key, k -> new AtomicInteger());
        while (true) {
            int held = count.get();
            if (held >= limit) {
                throw refusal.apply(held);
            }
            if (count.compareAndSet(held, held + 1)) {
                break;
            }
        }
        var released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        };
    }

    public int held(K key) {
        AtomicInteger count = counts.get(key);
        return count == null ? 0 : count.get();
    }

    public Map<K, Integer> all() {
        var all = new java.util.HashMap<K, Integer>();
        counts.forEach((k, v) -> all.put(k, v.get()));
        return all;
    }
}
