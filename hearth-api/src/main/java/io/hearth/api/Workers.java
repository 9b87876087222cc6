package io.hearth.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named, bounded executor for blocking work: each task runs on a virtual thread named {@code <name>-<n>}, at most
 * {@code maxRunning} at once; further tasks wait in a FIFO queue of at most {@code maxQueued}, and past that are
 * refused with {@link RejectedExecutionException}. Every component that blocks (teardown, start-up, health pings,
 * slow request paths) uses one of these instead of an unbounded thread per task, so a burst degrades into a queue
 * or a clean refusal and a thread dump names who is waiting.
 */
public final class Workers extends AbstractExecutorService {
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

    private final String name;
    private final int maxRunning;
    private final int maxQueued;
    private final ThreadFactory threads;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final Set<Thread> active = ConcurrentHashMap.newKeySet();
    private int running;
    private boolean shutdown;

    private Workers(String name, int maxRunning, int maxQueued) {
        this.name = requireNonNull(name, "name");
        if (maxRunning < 1) {
            throw new IllegalArgumentException(name + ": maxRunning " + maxRunning + " (expected: at least 1)");
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException(name + ": maxQueued " + maxQueued + " (expected: 0 or more)");
        }
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
        this.threads = Thread.ofVirtual().name(name + "-", 0).factory();
    }

    /**
     * @param name       names the threads ({@code <name>-<n>}) and appears in refusals
     * @param maxRunning tasks running at once
     * @param maxQueued  tasks waiting for a turn; more are refused
     */
    public static Workers bounded(String name, int maxRunning, int maxQueued) {
        return new Workers(name, maxRunning, maxQueued);
    }

    public String name() {
        return name;
    }

    @Override
    public void execute(Runnable task) {
        requireNonNull(task, "task");
        synchronized (queue) {
            if (shutdown) {
                throw new RejectedExecutionException(name + ": shut down");
            }
            if (running >= maxRunning) {
                if (queue.size() >= maxQueued) {
                    throw new RejectedExecutionException(name + ": " + running + " tasks running and " + queue.size()
                            + " queued (expected: at most " + maxRunning + " running and " + maxQueued + " queued)");
                }
                queue.addLast(task);
                return;
            }
            running++;
        }
        try {
            threads.newThread(() -> drain(task)).start();
        } catch (RuntimeException | Error e) {
            synchronized (queue) {
                running--;
                queue.notifyAll();
            }
            throw e;
        }
    }

    /** Runs the task, then whatever queued behind it, on this one thread. */
    private void drain(Runnable first) {
        Thread self = Thread.currentThread();
        active.add(self);
        Runnable task = first;
        try {
            while (task != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: a task failed", name, e);
                }
                synchronized (queue) {
                    task = queue.pollFirst();
                    if (task == null) {
                        running--;
                        queue.notifyAll();
                    }
                }
            }
        } catch (Error e) {
            synchronized (queue) {
                running--;
                queue.notifyAll();
            }
            throw e;
        } finally {
            active.remove(self);
        }
    }

    /** Tasks running now. */
    public int running() {
        synchronized (queue) {
            return running;
        }
    }

    /** Tasks waiting for a turn. */
    public int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    @Override
    public void shutdown() {
        synchronized (queue) {
            shutdown = true;
            queue.notifyAll();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> never;
        synchronized (queue) {
            shutdown = true;
            never = new ArrayList<>(queue);
            queue.clear();
            queue.notifyAll();
        }
        active.forEach(Thread::interrupt);
        return never;
    }

    @Override
    public boolean isShutdown() {
        synchronized (queue) {
            return shutdown;
        }
    }

    @Override
    public boolean isTerminated() {
        synchronized (queue) {
            return shutdown && running == 0;
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (queue) {
            while (!(shutdown && running == 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(queue, left);
            }
            return true;
        }
    }

    /**
     * Refuses new tasks, lets running and queued ones finish for up to {@code grace}, then interrupts what is left
     * and drops what never started. Returns whether everything finished in time.
     */
    public boolean close(Duration grace) {
        shutdown();
        try {
            if (awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
            List<Runnable> dropped = shutdownNow();
            LOG.warn("{}: {} tasks still running after {} ms were interrupted, {} queued were dropped", name, running(),
                    grace.toMillis(), dropped.size());
            awaitTermination(1, TimeUnit.SECONDS);
            return false;
        } catch (InterruptedException e) {
            shutdownNow();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
