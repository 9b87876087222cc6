package io.hearth.bench.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop load: one platform thread per connection, each sending its next request as soon as the last answer
 * is read. Platform threads rather than virtual ones: with at most a few dozen connections, blocking reads wake
 * straight from the kernel, without a poller hop that would be charged to the system under test.
 */
public final class LoadGenerator {
    private static final int READ_TIMEOUT_MS = 30_000;

    private LoadGenerator() {}

    public static LoadResult run(String target, List<Endpoint> connections, Duration duration) {
        if (connections.isEmpty()) {
            throw new IllegalArgumentException("connections: empty (expected: at least one)");
        }
        var ready = new CountDownLatch(connections.size());
        var go = new CountDownLatch(1);
        var errors = new AtomicLong();
        var firstError = new AtomicReference<String>("");
        var samples = new ArrayList<LongSamples>();
        var threads = new ArrayList<Thread>();
        long[] window = new long[2];
        for (int i = 0; i < connections.size(); i++) {
            Endpoint endpoint = connections.get(i);
            var mine = new LongSamples();
            samples.add(mine);
            threads.add(Thread.ofPlatform().name("bench-load-" + i).daemon().start(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                loop(endpoint, window[1], mine, errors, firstError);
            }));
        }
        try {
            ready.await();
            window[0] = System.nanoTime();
            window[1] = window[0] + duration.toNanos();
            go.countDown();
            for (Thread thread : threads) {
                thread.join(duration.toMillis() + READ_TIMEOUT_MS + 5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("load run " + target + " interrupted", e);
        }
        double seconds = Math.max(duration.toNanos(), System.nanoTime() - window[0]) / 1e9;
        long[] sorted = LongSamples.sortedUnion(samples);
        return new LoadResult(target, connections.size(), sorted.length, errors.get(), seconds, sorted.length / seconds,
                LongSamples.quantile(sorted, 0.50) / 1e3, LongSamples.quantile(sorted, 0.99) / 1e3, firstError.get());
    }

    private static void loop(Endpoint endpoint, long end, LongSamples samples, AtomicLong errors,
            AtomicReference<String> firstError) {
        HttpConnection connection = null;
        try {
            while (System.nanoTime() < end) {
                try {
                    if (connection == null) {
                        connection = HttpConnection.open(endpoint.address(), READ_TIMEOUT_MS);
                    }
                    long start = System.nanoTime();
                    HttpConnection.Reply reply = connection.exchange(endpoint.request());
                    long took = System.nanoTime() - start;
                    if (reply.status() == 200) {
                        samples.add(took);
                    } else {
                        errors.incrementAndGet();
                        firstError.compareAndSet("", "HTTP " + reply.status() + " from " + endpoint.address());
                    }
                    if (connection.closeRequested()) {
                        connection.close();
                        connection = null;
                    }
                } catch (IOException | RuntimeException e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet("", e.getClass().getSimpleName() + ": " + e.getMessage());
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                    pause();
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(5); // a refused connection must not turn into a busy loop that starves the target
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
