package io.hearth.bench.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peak of retained heap while something runs: a thread collects and reads heap use every few milliseconds,
 * so garbage (which a proxy streaming a body makes plenty of) does not count, but anything held does.
 * Collecting this often slows what it watches: use it on a separate pass from throughput runs.
 */
public final class HeapSampler implements AutoCloseable {
    private final long before;
    private final AtomicLong peak;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private HeapSampler(Duration every) {
        this.before = HostFacts.retainedHeap();
        this.peak = new AtomicLong(before);
        this.thread = Thread.ofPlatform().name("bench-heap-sampler").daemon().start(() -> {
            while (running.get()) {
                peak.accumulateAndGet(HostFacts.retainedHeap(), Math::max);
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public static HeapSampler start(Duration every) {
        return new HeapSampler(every);
    }

    /** Stops sampling; returns the peak retained heap minus what was retained at the start, in bytes. */
    public long stopAndGetGrowth() {
        running.set(false);
        thread.interrupt();
        try {
            thread.join(10_000);
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
