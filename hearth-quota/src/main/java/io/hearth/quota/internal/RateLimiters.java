package io.hearth.quota.internal;

import io.hearth.quota.RateLimit;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One token bucket per key, made on first use. A key whose limit changed (a runtime's tags were updated) gets a
 * fresh bucket with the new limit.
 *
 * <p>Keys that callers choose (a principal with any user id) would grow the map without end, so such limiters
 * {@linkplain #evicting forget} buckets: one that is full and untouched for the idle time is dropped, which changes
 * nothing, since a new bucket starts full. Past the bound, the buckets idle longest are dropped whatever they hold:
 * the price of a bound is that such a key starts afresh. Sweeps run lazily on {@link #tryTake}, at most once per idle
 * time unless the bound is passed, and then cut the map to nine tenths of the bound so that their cost is shared.
 */
public final class RateLimiters<K> {
    private final Map<K, Entry> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final long idleNanos;
    private final int maxKeys;
    private final AtomicLong nextSweep;

    /** Buckets kept until {@link #removeIf}: for keys the server knows, such as endpoints. */
    public RateLimiters(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.idleNanos = Long.MAX_VALUE;
        this.maxKeys = Integer.MAX_VALUE;
        this.nextSweep = new AtomicLong(Long.MAX_VALUE);
    }

    private RateLimiters(LongSupplier nanoClock, Duration idle, int maxKeys) {
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("idle: " + idle + " (expected: positive)");
        }
        if (maxKeys < 10) {
            throw new IllegalArgumentException("maxKeys: " + maxKeys + " (expected: at least 10)");
        }
        this.nanoClock = nanoClock;
        this.idleNanos = idle.toNanos();
        this.maxKeys = maxKeys;
        this.nextSweep = new AtomicLong(nanoClock.getAsLong() + idleNanos);
    }

    /** Buckets that are forgotten once full and idle for {@code idle}, and never more than {@code maxKeys} of them. */
    public static <K> RateLimiters<K> evicting(LongSupplier nanoClock, Duration idle, int maxKeys) {
        return new RateLimiters<>(nanoClock, idle, maxKeys);
    }

    /** Takes a token for the key under that limit; never waits. */
    public boolean tryTake(K key, RateLimit limit) {
        long now = nanoClock.getAsLong();
        Entry entry = entry(key, limit);
        entry.touched = now;
        boolean taken = entry.limited.bucket().tryTake();
        maybeSweep(now);
        return taken;
    }

    public Map<K, Limited> all() {
        var all = new LinkedHashMap<K, Limited>();
        buckets.forEach((key, entry) -> all.put(key, entry.limited));
        return Map.copyOf(all);
    }

    /** How many buckets are held. */
    public int size() {
        return buckets.size();
    }

    /** Forgets the keys that match (a deleted runtime). */
    public void removeIf(java.util.function.Predicate<K> which) {
        buckets.keySet().removeIf(which);
    }

    private Entry entry(K key, RateLimit limit) {
        Entry found = buckets.get(key);
        if (found == null || !found.limited.limit().equals(limit)) {
            found = buckets.compute(key, (k, old) -> old != null && old.limited.limit().equals(limit) ? old
                    : new Entry(new Limited(limit, new TokenBucket(limit.permits(), limit.period().toNanos(), limit.burst(),
                            nanoClock))));
        }
        return found;
    }

    private void maybeSweep(long now) {
        long due = nextSweep.get();
        boolean over = buckets.size() > maxKeys;
        if ((!over && now - due < 0) || !nextSweep.compareAndSet(due, now + idleNanos)) {
            return;
        }
        // A take racing the removal of its full bucket may be lost with it: that caller gains one token at most.
        buckets.values().removeIf(entry -> now - entry.touched >= idleNanos
                && entry.limited.bucket().available() == entry.limited.bucket().burst());
        int excess = buckets.size() - maxKeys / 10 * 9;
        if (buckets.size() > maxKeys && excess > 0) {
            buckets.entrySet().stream()
                    .sorted(Comparator.comparingLong(e -> e.getValue().touched - now))
                    .limit(excess)
                    .map(Map.Entry::getKey)
                    .toList()
                    .forEach(buckets::remove);
        }
    }

    /** A bucket with the limit it was made for. */
    public record Limited(RateLimit limit, TokenBucket bucket) {}

    private static final class Entry {
        final Limited limited;
        volatile long touched;

        Entry(Limited limited) {
            this.limited = limited;
        }
    }
}
