package io.hearth.image.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Interrupts a thread whose stream has gone silent: the HTTP client bounds the wait for a response's headers but
 * not for its body, and a registry that stops sending mid-blob would otherwise hold a pull forever.
 */
public final class StallWatchdog implements AutoCloseable {
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("hearth-image-watchdog").factory());
    private final Duration idle;

    public StallWatchdog(Duration idle) {
        this.idle = idle;
    }

    public Duration idle() {
        return idle;
    }

    /** Watches the calling thread until the returned watch closes. */
    public Watch watch() {
        return new Watch(Thread.currentThread());
    }

    public final class Watch implements AutoCloseable {
        private final Thread thread;
        private final ScheduledFuture<?> check;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean stalled;

        private Watch(Thread thread) {
            this.thread = thread;
            long period = Math.max(10, idle.toMillis() / 4);
            this.check = ticker.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
        }

        public void progress() {
            lastProgress = System.nanoTime();
        }

        public boolean stalled() {
            return stalled;
        }

        private synchronized void check() {
            if (!stalled && System.nanoTime() - lastProgress > idle.toNanos()) {
                stalled = true;
                thread.interrupt();
            }
        }

        @Override
        public synchronized void close() {
            check.cancel(false);
            if (stalled) {
                // The interrupt was ours, not the caller's: it must not leak into what the thread does next.
                Thread.interrupted();
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
