package io.hearth.quota.internal;

import io.hearth.quota.RateLimit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per key, made on first use. A key whose limit changed (a runtime's tags were updated) gets a
 * fresh bucket with the new limit.
 */
public final class RateLimiters<K> {
    private final Map<K, Limited> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public RateLimiters(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Takes a token for the key under that limit; never waits. */
    public boolean tryTake(K key, RateLimit limit) {
        return bucket(key, limit).tryTake();
    }

    public Map<K, Limited> all() {
        return Map.copyOf(buckets);
    }

    /** Forgets the keys that match (a deleted runtime). */
    public void removeIf(java.util.function.Predicate<K> which) {
        buckets.keySet().removeIf(which);
    }

    private TokenBucket bucket(K key, RateLimit limit) {
        Limited found = buckets.get(key);
        if (found == null || !found.limit().equals(limit)) {
            found = buckets.compute(key, (k, old) -> old != null && old.limit().equals(limit) ? old
                    : new Limited(limit, new TokenBucket(limit.permits(), limit.period().toNanos(), limit.burst(), nanoClock)));
        }
        return found.bucket();
    }

    /** A bucket with the limit it was made for. */
    public record Limited(RateLimit limit, TokenBucket bucket) {}
}
