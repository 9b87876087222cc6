package io.hearth.bench.soak;

import io.hearth.bench.internal.BenchAuth;
import io.hearth.bench.internal.DeployedRuntime;
import io.hearth.bench.internal.HearthNode;
import io.hearth.bench.internal.HttpConnection;
import io.hearth.bench.internal.Readiness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The soak's load, until {@link #stop()}: paced invocations over a fixed-size working set of sessions, and one
 * disruptor thread that every so often replaces a session of the set (StopRuntimeSession on the old one) or makes
 * its agent exit (then the set moves on to a new session and Hearth must notice the exit by itself).
 *
 * <p>Each slot of the set has a lock: invocations hold it shared, replacing a session holds it exclusively, so no
 * invocation can reach a session after it was stopped (which would start it again, outside the set).
 * Platform threads, as in the bench's load generator: a few connections, blocking reads.
 */
final class SoakTraffic {
    private static final int READ_TIMEOUT_MS = 60_000;
    private static final byte[] PROMPT = "{\"prompt\":\"soak\"}".getBytes(StandardCharsets.UTF_8);

    private final SoakConfig config;
    private final HearthNode hearth;
    private final DeployedRuntime runtime;
    private final String path;
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder replaced = new LongAdder();
    private final LongAdder crashes = new LongAdder();
    private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();

    private static final class Slot {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        String sessionId = HearthNode.newSessionId();
    }

    SoakTraffic(SoakConfig config, HearthNode hearth, DeployedRuntime runtime) {
        this.config = config;
        this.hearth = hearth;
        this.runtime = runtime;
        this.path = HearthNode.invocationPath(runtime);
        for (int i = 0; i < config.workingSet(); i++) {
            slots.add(new Slot());
        }
    }

    void start() {
        long gapNanos = (long) (config.workers() * 1e9 / config.rate());
        for (int i = 0; i < config.workers(); i++) {
            long offset = gapNanos * i / config.workers();
            threads.add(Thread.ofPlatform().name("soak-load-" + i).daemon().start(() -> invokeLoop(gapNanos, offset)));
        }
        threads.add(Thread.ofPlatform().name("soak-disrupt").daemon().start(this::disruptLoop));
    }

    /** Stops sending and waits for what is in flight. */
    void stop() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(READ_TIMEOUT_MS + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops every session of the working set (after {@link #stop()}), so that nothing should be left live. */
    void stopWorkingSet() {
        for (Slot slot : slots) {
            stopSession(slot.sessionId);
        }
    }

    long ok() {
        return ok.sum();
    }

    long failed() {
        return failed.sum();
    }

    long replaced() {
        return replaced.sum();
    }

    long crashes() {
        return crashes.sum();
    }

    /** Unexpected failures by kind, such as {@code invoke: HTTP 424}. */
    Map<String, Long> errorKinds() {
        var kinds = new TreeMap<String, Long>();
        errorKinds.forEach((kind, count) -> kinds.put(kind, count.sum()));
        return kinds;
    }

    private void invokeLoop(long gapNanos, long offset) {
        HttpConnection connection = null;
        long next = System.nanoTime() + offset;
        try {
            while (running.get()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Readiness.sleepMillis(Math.max(1, wait / 1_000_000));
                    continue;
                }
                // Behind schedule (a slow answer, a GC pause): carry on from now rather than burst to catch up.
                next = Math.max(next + gapNanos, System.nanoTime());
                Slot slot = slots.get(ThreadLocalRandom.current().nextInt(slots.size()));
                slot.lock.readLock().lock();
                try {
                    if (connection == null) {
                        connection = HttpConnection.open(hearth.address(), READ_TIMEOUT_MS);
                    }
                    HttpConnection.Reply reply = connection.exchange(invocation(slot.sessionId, PROMPT));
                    if (reply.status() == 200) {
                        ok.increment();
                    } else {
                        fail("invoke: HTTP " + reply.status());
                    }
                    if (connection.closeRequested()) {
                        connection.close();
                        connection = null;
                    }
                } catch (IOException | RuntimeException e) {
                    fail("invoke: " + e.getClass().getSimpleName());
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                } finally {
                    slot.lock.readLock().unlock();
                }
            }
        } catch (RuntimeException e) {
            fail("load thread: " + e.getClass().getSimpleName());
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private void disruptLoop() {
        long churnGap = config.churnEvery().toNanos();
        long crashGap = config.crashEvery().toNanos();
        long nextChurn = System.nanoTime() + churnGap;
        long nextCrash = System.nanoTime() + crashGap;
        boolean beforeAnswering = false;
        while (running.get()) {
            long now = System.nanoTime();
            try {
                if (now >= nextCrash) {
                    beforeAnswering = !beforeAnswering;
                    crash(slots.get(ThreadLocalRandom.current().nextInt(slots.size())), beforeAnswering);
                    nextCrash = Math.max(nextCrash + crashGap, System.nanoTime());
                } else if (now >= nextChurn) {
                    replace(slots.get(ThreadLocalRandom.current().nextInt(slots.size())));
                    nextChurn = Math.max(nextChurn + churnGap, System.nanoTime());
                } else {
                    Readiness.sleepMillis(Math.max(1, (Math.min(nextChurn, nextCrash) - now) / 1_000_000));
                }
            } catch (RuntimeException e) {
                fail("disruptor: " + e.getClass().getSimpleName());
            }
        }
    }

    /** A new session takes the slot; the old one is stopped with StopRuntimeSession. */
    private void replace(Slot slot) {
        String old;
        slot.lock.writeLock().lock();
        try {
            old = slot.sessionId;
            slot.sessionId = HearthNode.newSessionId();
        } finally {
            slot.lock.writeLock().unlock();
        }
        stopSession(old);
        replaced.increment();
    }

    /**
     * The slot's agent exits, before or after answering; the slot moves on to a new session and the old one is
     * left to Hearth, which must end it because its agent exited.
     */
    private void crash(Slot slot, boolean beforeAnswering) {
        slot.lock.writeLock().lock();
        try {
            byte[] body = ("{\"exit\":\"" + (beforeAnswering ? "before" : "after") + "\"}").getBytes(StandardCharsets.UTF_8);
            try (var connection = HttpConnection.open(hearth.address(), READ_TIMEOUT_MS)) {
                int status = connection.exchange(invocation(slot.sessionId, body)).status();
                // Before answering, the caller must get an error (the agent crashed mid-request), never a hang.
                boolean expected = beforeAnswering ? status >= 400 : status == 200;
                if (!expected) {
                    fail("crash " + (beforeAnswering ? "before" : "after") + " answering: HTTP " + status);
                }
            } catch (IOException e) {
                fail("crash: " + e.getClass().getSimpleName());
            }
            crashes.increment();
            slot.sessionId = HearthNode.newSessionId();
        } finally {
            slot.lock.writeLock().unlock();
        }
    }

    private void stopSession(String sessionId) {
        try {
            hearth.stopSession(runtime, sessionId);
        } catch (RuntimeException e) {
            fail("StopRuntimeSession: " + firstWords(e.getMessage()));
        }
    }

    /** Signed anew for every call: a soak runs for hours, longer than a signature is accepted, and its rate is low. */
    private byte[] invocation(String sessionId, byte[] body) {
        return BenchAuth.request("POST", hearth.address(), path, "application/json", body, HearthNode.SESSION_HEADER, sessionId);
    }

    private void fail(String kind) {
        failed.increment();
        errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private static String firstWords(String message) {
        if (message == null) {
            return "no message";
        }
        int http = message.indexOf("HTTP ");
        return http >= 0 ? message.substring(http, Math.min(message.length(), http + 8)) : message.substring(0, Math.min(60, message.length()));
    }
}
