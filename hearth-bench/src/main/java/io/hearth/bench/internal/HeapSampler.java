package io.hearth.bench.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The peak of retained heap while something runs: a thread reads the heap after a forced full collection every few
 * milliseconds, so garbage (which a proxy streaming a body makes plenty of) does not count, but anything held does.
 * Collecting this often slows what it watches: use it on a separate pass from throughput runs.
 */
public final class HeapSampler implements AutoCloseable {
    private final long before;
    private final AtomicLong peak;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private HeapSampler(LongSupplier retainedBytes, Duration every) {
        this.before = retainedBytes.getAsLong();
        this.peak = new AtomicLong(before);
        this.thread = Thread.ofPlatform().name("bench-heap-sampler").daemon().start(() -> {
            while (running.get()) {
                peak.accumulateAndGet(retainedBytes.getAsLong(), Math::max);
                samples.incrementAndGet();
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Samples {@code retainedBytes} (such as {@link HearthNode#heapAfterFullGcBytes}) every {@code every}. */
    public static HeapSampler start(LongSupplier retainedBytes, Duration every) {
        return new HeapSampler(retainedBytes, every);
    }

    /** Retained bytes when sampling started. */
    public long before() {
        return before;
    }

    /** Readings taken while it ran, the first one not counted. */
    public long samples() {
        return samples.get();
    }

    /** Stops sampling; returns the peak retained heap minus what was retained at the start, in bytes. */
    public long stopAndGetGrowth() {
        running.set(false);
        try {
            thread.join(10_000); // not interrupted: a reading under way finishes and still counts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Math.max(0, peak.get() - before);
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
    }
}
