package io.hearth.quota.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * A token bucket that never waits: {@link #tryTake} answers at once, lock-free (a compare-and-set on an immutable
 * state), so it is safe on a network thread. Integer arithmetic throughout, so the limit is exact: in any window of
 * {@code t} nanoseconds at most {@code burst + permits × t / period} tokens are taken. A token is worth
 * {@code periodNanos} units and the bucket gains {@code permits} units per nanosecond.
 */
public final class TokenBucket {
    private final long permits;
    private final long costPerToken;
    private final long capacityUnits;
    private final LongSupplier nanoClock;
    private final AtomicReference<State> state;

    /**
     * @param permits     tokens added per period
     * @param periodNanos the period
     * @param burst       the most tokens the bucket holds; it starts full
     * @param nanoClock   {@link System#nanoTime} but in tests
     */
    public TokenBucket(long permits, long periodNanos, long burst, LongSupplier nanoClock) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits: " + permits + " (expected: at least 1)");
        }
        if (periodNanos < 1) {
            throw new IllegalArgumentException("periodNanos: " + periodNanos + " (expected: positive)");
        }
        long maxBurst = Long.MAX_VALUE / 4 / periodNanos;
        if (burst < 1 || burst > maxBurst) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: 1 to " + maxBurst + ")");
        }
        this.permits = permits;
        this.costPerToken = periodNanos;
        this.capacityUnits = burst * periodNanos;
        this.nanoClock = nanoClock;
        this.state = new AtomicReference<>(new State(capacityUnits, nanoClock.getAsLong()));
    }

    /** Takes one token if there is one; never waits. */
    public boolean tryTake() {
        while (true) {
            State before = state.get();
            State now = refilled(before);
            if (now.units < costPerToken) {
                // Nothing to take; recording the refill is optional, so a lost race costs nothing.
                state.compareAndSet(before, now);
                return false;
            }
            if (state.compareAndSet(before, new State(now.units - costPerToken, now.asOf))) {
                return true;
            }
        }
    }

    /** Whole tokens available now. */
    public long available() {
        return refilled(state.get()).units / costPerToken;
    }

    public long burst() {
        return capacityUnits / costPerToken;
    }

    private State refilled(State s) {
        long now = nanoClock.getAsLong();
        long elapsed = now - s.asOf;
        if (elapsed <= 0) {
            return s;
        }
        long room = capacityUnits - s.units;
        // elapsed × permits may overflow a long: compare by division first.
        long units = elapsed > room / permits ? capacityUnits : s.units + elapsed * permits;
        return new State(units, now);
    }

    private record State(long units, long asOf) {}
}
