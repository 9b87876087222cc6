package io.hearth.bench.internal;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The SSE client, run as its own process: thousands of open streams cost a file descriptor each, counted against a
 * limit of its own, apart from the bench's and Hearth's (two per stream). Reads an {@link SseSpec} as JSON (first
 * argument), prints one {@link SseOutcome} as JSON on stdout, progress on stderr.
 */
public final class SseClientMain {
    private SseClientMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("arguments: " + args.length + " (expected: one SseSpec as JSON)");
        }
        SseSpec spec = Json.read(args[0], SseSpec.class);
        SseOutcome outcome = run(spec);
        System.out.println(Json.compact(outcome));
        System.out.flush();
        // Streams still open are cut by the exit: the servers see their callers go away, as in real life.
        Runtime.getRuntime().halt(0);
    }

    /** One stream's state, written by Jetty's threads, read by the main thread. */
    private static final class Stream {
        volatile long firstEventNanos;
        volatile long lastEventNanos;
        volatile boolean done;
    }

    static SseOutcome run(SseSpec spec) throws Exception {
        var client = new HttpClient();
        var threads = new QueuedThreadPool(64, 4);
        threads.setName("sse-client");
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(spec.streams() + 16);
        client.setMaxRequestsQueuedPerDestination(spec.streams() + 16);
        client.setConnectTimeout(10_000);
        client.setIdleTimeout(0);
        client.start();

        var opening = new Semaphore(spec.maxOpening());
        var opened = new AtomicInteger();
        var failed = new AtomicInteger();
        var failedBeforeOpening = new AtomicInteger();
        var firstFailure = new AtomicReference<>("");
        var streams = new ArrayList<Stream>(spec.streams());
        String payload = "{\"events\":" + spec.events() + ",\"intervalMs\":" + spec.intervalMs() + "}";
        var signatures = new HashMap<SseSpec.SseTarget, Map<String, String>>();
        long started = System.nanoTime();
        long openDeadline = started + TimeUnit.SECONDS.toNanos(spec.openSeconds());
        int launched = 0;
        for (; launched < spec.streams(); launched++) {
            long left = openDeadline - System.nanoTime();
            if (left <= 0 || !opening.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            SseSpec.SseTarget target = spec.targets().get(launched % spec.targets().size());
            Map<String, String> signature = signatures.computeIfAbsent(target, t -> signature(t, payload));
            var stream = new Stream();
            streams.add(stream);
            var request = client.newRequest("127.0.0.1", target.port())
                    .method(HttpMethod.POST)
                    .path(target.path())
                    .headers(h -> {
                        h.put("Accept", "text/event-stream");
                        if (!target.session().isEmpty()) {
                            h.put(HearthNode.SESSION_HEADER, target.session());
                        }
                        signature.forEach(h::put);
                    })
                    .body(new StringRequestContent("application/json", payload))
                    .onResponseContent((response, content) -> received(stream, content, opened, opening));
            request.send(result -> {
                stream.done = true;
                if (stream.firstEventNanos == 0) {
                    failedBeforeOpening.incrementAndGet();
                    opening.release();
                }
                String why = result.isFailed() ? String.valueOf(result.getFailure())
                        : result.getResponse().getStatus() != 200 ? "HTTP " + result.getResponse().getStatus() : "";
                if (!why.isEmpty()) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet("", why);
                }
            });
            if ((launched + 1) % 1000 == 0) {
                System.err.printf("sse client: %,d launched, %,d open, %,d failed%n", launched + 1, opened.get(), failed.get());
            }
        }
        // Wait for the stragglers: every launched stream either opens or fails, or the opening time runs out.
        while (System.nanoTime() < openDeadline && opened.get() + failedBeforeOpening.get() < launched) {
            Thread.sleep(10);
        }
        double openSeconds = (System.nanoTime() - started) / 1e9;
        long holdStart = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(spec.holdSeconds()));
        int held = 0;
        for (Stream stream : streams) {
            if (!stream.done && stream.firstEventNanos != 0 && stream.lastEventNanos > holdStart) {
                held++;
            }
        }
        return new SseOutcome(spec.streams(), Math.min(opened.get(), spec.streams()), held, failed.get(), openSeconds,
                firstFailure.get());
    }

    /**
     * The signature headers of the one request a Hearth target (one with a session) gets over and over, signed once:
     * the streams all open within minutes. A bare agent's target gets none.
     */
    private static Map<String, String> signature(SseSpec.SseTarget target, String payload) {
        if (target.session().isEmpty()) {
            return Map.of();
        }
        return BenchAuth.sign("POST", URI.create("http://127.0.0.1:" + target.port() + target.path()),
                payload.getBytes(StandardCharsets.UTF_8));
    }

    private static void received(Stream stream, ByteBuffer content, AtomicInteger opened, Semaphore opening) {
        long now = System.nanoTime();
        if (stream.firstEventNanos == 0 && content.hasRemaining()) {
            stream.firstEventNanos = now;
            opened.incrementAndGet();
            opening.release();
        }
        stream.lastEventNanos = now;
    }

    /** The class path this JVM runs with, for starting the client as a child process. */
    static List<String> command(String specJson) {
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(javaExe, "-Xmx768m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                SseClientMain.class.getName(), specJson);
    }
}
