package io.hearth.quota.internal;

import io.hearth.quota.Lease;
import io.hearth.quota.QuotaKind;
import io.hearth.quota.QuotaRefusal;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cold starts under way at once. A start beyond the cap waits its turn in a bounded queue for a short while (on a
 * virtual thread of the data plane's slow path); a full queue, or a wait that runs out, is throttled.
 */
public final class ColdStartGate {
    private final int max;
    private final int queue;
    private final Duration wait;
    private final Semaphore running;
    private final AtomicInteger waiting = new AtomicInteger();

    public ColdStartGate(int max, int queue, Duration wait) {
        this.max = max;
        this.queue = queue;
        this.wait = wait;
        this.running = new Semaphore(max, true);
    }

    /**
     * A turn to cold-start, waiting at most the configured while.
     *
     * @throws QuotaRefusal.Throttled when the queue is full or the wait ran out
     */
    public Lease acquire() {
        if (!running.tryAcquire()) {
            if (waiting.incrementAndGet() > queue) {
                waiting.decrementAndGet();
                throw refused("and " + queue + " more wait already");
            }
            try {
                if (!running.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw refused("and none ended within " + wait.toMillis() + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw refused("and the wait was interrupted");
            } finally {
                waiting.decrementAndGet();
            }
        }
        var released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                running.release();
            }
        };
    }

    public int running() {
        return max - running.availablePermits();
    }

    public int waiting() {
        return waiting.get();
    }

    public int max() {
        return max;
    }

    public int queue() {
        return queue;
    }

    private QuotaRefusal.Throttled refused(String why) {
        return new QuotaRefusal.Throttled(QuotaKind.COLD_STARTS, "Rate exceeded: " + max
                + " cold starts are under way on this node (--max-cold-starts) " + why + "; retry shortly");
    }
}
