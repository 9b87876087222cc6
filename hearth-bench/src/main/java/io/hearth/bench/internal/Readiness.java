package io.hearth.bench.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for an agent's {@code GET /ping} to answer 200, polling every millisecond: the bare baseline should be the
 * physical start-up time, not a polling interval.
 */
public final class Readiness {
    private static final byte[] HELLO = "{\"prompt\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
    private Readiness() {}

    /** Returns when the agent answered 200; throws when {@code alive} turns false or the timeout passes. */
    public static void await(InetSocketAddress agent, Duration timeout, BooleanSupplier alive, String what) {
        await(agent, timeout, Duration.ofMillis(1), alive, what);
    }

    /** As {@link #await(InetSocketAddress, Duration, BooleanSupplier, String)}, polling every {@code every}. */
    public static void await(InetSocketAddress agent, Duration timeout, Duration every, BooleanSupplier alive, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] ping = HttpConnection.request("GET", Ports.hostPort(agent), "/ping", null, new byte[0]);
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(what + " exited before answering GET /ping");
            }
            try (var connection = HttpConnection.open(agent, 2_000)) {
                if (connection.exchange(ping).status() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleepMillis(every.toMillis());
        }
        throw new IllegalStateException(what + " did not answer GET /ping with 200 within " + timeout.toMillis() + " ms");
    }

    /** One invocation on a fresh connection; returns the nanoTime its first response byte arrived. */
    public static long firstByte(InetSocketAddress agent, String path, String... headers) throws IOException {
        return firstByte(agent, path, HttpConnection.request("POST", Ports.hostPort(agent), path, "application/json", HELLO, headers));
    }

    /** As {@link #firstByte(InetSocketAddress, String, String...)}, to Hearth: the request signed with the run's key. */
    public static long hearthFirstByte(InetSocketAddress hearth, String path, String... headers) throws IOException {
        return firstByte(hearth, path, BenchAuth.request("POST", hearth, path, "application/json", HELLO, headers));
    }

    private static long firstByte(InetSocketAddress agent, String path, byte[] request) throws IOException {
        try (var connection = HttpConnection.open(agent, 60_000)) {
            HttpConnection.Reply reply = connection.exchange(request);
            if (reply.status() != 200) {
                throw new IOException("POST " + path + " answered " + reply.status() + " (expected: 200)");
            }
            return reply.firstByteNanos();
        }
    }

    /** Sleeps; an interrupt ends the wait with an unchecked exception, the thread's flag set again. */
    public static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
