package io.hearth.sandbox.internal;

import io.hearth.api.Workers;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a driver is open, the starts under way, and the bounded stopping of one sandbox or of all of them.
 *
 * <p>A start registers its sandbox only while the driver is open, and close() waits for the starts under way: so every
 * sandbox either is among those close() stops, or is stopped by its own start, which then fails. Nothing outlives
 * close().
 */
final class DriverLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(DriverLifecycle.class);

    /** How long close() may take, however many sandboxes it stops. */
    static final Duration CLOSE_DEADLINE = Duration.ofSeconds(10);
    /** Of close()'s deadline, what the SIGKILL and teardown that follow the grace always keep. */
    private static final Duration KILL_RESERVE = Duration.ofSeconds(3);
    private static final int CLOSE_SIGNALLERS = 32;

    /** A sandbox whose stop can be split in phases, so close() signals all of them before waiting for any. */
    interface Stoppable extends Sandbox {
        /** Marks the sandbox as stopped and asks its agent to end; false when it was asked before or had ended. */
        boolean requestStop();

        /** Completes when the sandbox's processes have ended, before its teardown. */
        CompletableFuture<?> processExit();

        /** False once the process the driver launched has exited, before the teardown and {@link #exit()}. */
        @Override
        boolean isAlive();

        /** Kills whatever of the sandbox still runs; returns once it is killed or a bounded wait passed. */
        void forceStop();
    }

    private final String driver;
    private final Object lock = new Object();
    private boolean closed;
    private int starting;

    DriverLifecycle(String driver) {
        this.driver = driver;
    }

    /** Counts a start in, or refuses it once the driver is closed. Pair with {@link #endStart()}. */
    void beginStart(String id) {
        synchronized (lock) {
            if (closed) {
                throw closedError(id);
            }
            starting++;
        }
    }

    void endStart() {
        synchronized (lock) {
            starting--;
            lock.notifyAll();
        }
    }

    /** Runs {@code registration} unless the driver closed meanwhile; returns whether it ran. */
    boolean register(Runnable registration) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            registration.run();
            return true;
        }
    }

    SandboxException closedError(String id) {
        return new SandboxException("sandbox " + id + ": the " + driver + " driver closed (expected: start() before close())");
    }

    /**
     * Refuses further starts, then stops every running sandbox within {@link #CLOSE_DEADLINE}: SIGTERM to all, up to
     * {@code grace} for them to end, SIGKILL to the rest, and the teardowns; then waits for the starts under way.
     */
    void close(Supplier<List<? extends Stoppable>> running, Duration grace) {
        long deadline = System.nanoTime() + CLOSE_DEADLINE.toNanos();
        synchronized (lock) {
            closed = true;
        }
        List<? extends Stoppable> all = running.get();
        var signallers = Workers.bounded("hearth-" + driver + "-close", CLOSE_SIGNALLERS, Math.max(1, all.size()));
        try {
            await(all.stream().map(s -> submit(signallers, s::requestStop)).toList(), deadline);
            long graceEnd = Math.min(System.nanoTime() + grace.toNanos(), deadline - KILL_RESERVE.toNanos());
            await(all.stream().map(Stoppable::processExit).toList(), graceEnd);
            await(all.stream().filter(s -> !s.processExit().isDone())
                    .map(s -> submit(signallers, s::forceStop)).toList(), deadline);
            await(all.stream().map(Sandbox::exit).toList(), deadline);
        } finally {
            signallers.shutdownNow();
        }
        awaitStarts(deadline);
        List<String> left = all.stream().filter(s -> !s.exit().isDone()).map(Sandbox::id).toList();
        if (!left.isEmpty()) {
            LOG.warn("{} driver closed after {} ms with the teardown of {} still running; reclaim at the next start"
                    + " removes what it leaves", driver, CLOSE_DEADLINE.toMillis(), left);
        }
    }

    private void awaitStarts(long deadline) {
        synchronized (lock) {
            try {
                while (starting > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        LOG.warn("{} driver closed with {} starts still under way; each stops its own sandbox", driver,
                                starting);
                        return;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops one sandbox: SIGTERM, up to {@code grace} for it to end, SIGKILL, then up to {@code teardownWait} for its
     * teardown. Returns within about grace + teardownWait, whatever the teardown does.
     */
    static void stopOne(Stoppable sandbox, Duration grace, Duration teardownWait) {
        if (sandbox.requestStop()) {
            try {
                sandbox.processExit().get(grace.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                sandbox.forceStop();
            } catch (InterruptedException e) {
                sandbox.forceStop();
                Thread.currentThread().interrupt();
                return;
            }
        }
        // Asked before, by this thread or another: its asker kills it after the grace; wait that long too.
        Duration wait = grace.plus(teardownWait);
        try {
            sandbox.exit().get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warn("sandbox {}: teardown still running {} ms after stop(); returning, and reclaim at the next start"
                    + " removes what it leaves", sandbox.id(), wait.toMillis());
        } catch (ExecutionException e) {
            LOG.warn("sandbox {}: teardown failed", sandbox.id(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills a sandbox no one will use (its start lost the race with close()), without a grace. */
    static void discard(Stoppable sandbox, Duration teardownWait) {
        sandbox.requestStop();
        sandbox.forceStop();
        stopOne(sandbox, Duration.ZERO, teardownWait);
    }

    /** Runs the task on {@code executor}, or here when it refuses: the task must run either way. */
    static void runOrInline(Executor executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    private static CompletableFuture<Void> submit(Executor executor, Runnable task) {
        var done = new CompletableFuture<Void>();
        runOrInline(executor, () -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private static void await(List<? extends CompletableFuture<?>> futures, long deadline) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // what is not done by now is dealt with by the next phase, or reported at the end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
