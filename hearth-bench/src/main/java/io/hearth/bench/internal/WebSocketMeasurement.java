package io.hearth.bench.internal;

import io.hearth.bench.Row;
import io.hearth.bench.Section;
import io.hearth.bench.Target;
import io.hearth.bench.Unit;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A WebSocket to the Java bench agent's {@code /ws} echo, through Hearth ({@code /runtimes/{arn}/ws}, signed, on a
 * live session) against the same agent started by hand: the round trip of one small message at a time, and
 * messages per second with a window of messages in flight.
 */
public final class WebSocketMeasurement implements Measurement {
    private static final String MESSAGE = "x".repeat(64);
    private static final int WINDOW = 256;
    /** Added median round trip over the agent's own that Hearth aims to stay under. */
    private static final double ADDED_P50_MICROS = 150;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Override
    public Section section() {
        return Section.WEBSOCKET;
    }

    @Override
    public SectionResult run(BenchContext context) throws Exception {
        ProxyRig rig = context.rig();
        boolean smoke = context.config().smoke();
        int roundTrips = smoke ? 200 : 5_000;
        int messages = smoke ? 2_000 : 100_000;
        var client = new WebSocketClient();
        client.start();
        try {
            var direct = new ClientUpgradeRequest(URI.create("ws://" + Ports.hostPort(rig.bareAgent(0)) + "/ws"));
            direct.setHeader(HearthNode.SESSION_HEADER, rig.session(0));
            String path = "/runtimes/" + URLEncoder.encode(rig.runtime().arn(), StandardCharsets.UTF_8) + "/ws";
            String authority = Ports.hostPort(rig.hearth().address());
            var viaHearth = new ClientUpgradeRequest(URI.create("ws://" + authority + path));
            viaHearth.setHeader(HearthNode.SESSION_HEADER, rig.session(0));
            BenchAuth.sign("GET", URI.create("http://" + authority + path), new byte[0]).forEach(viaHearth::setHeader);

            long[] directNanos = roundTrips(client, direct, roundTrips);
            long[] hearthNanos = roundTrips(client, viaHearth, roundTrips);
            double directRate = messagesPerSecond(client, direct, messages);
            double hearthRate = messagesPerSecond(client, viaHearth, messages);
            double directP50 = LongSamples.quantile(directNanos, 0.5) / 1e3;
            double hearthP50 = LongSamples.quantile(hearthNanos, 0.5) / 1e3;
            context.progress().say("WebSocket echo p50: direct %.0f µs, Hearth %.0f µs; %.0f vs %.0f msg/s", directP50,
                    hearthP50, directRate, hearthRate);

            String note = "64-byte text messages on one socket; " + rig.hearth().isolation() + " driver";
            var rows = List.of(
                    Row.measured(Section.WEBSOCKET.title(), "echo round trip p50", Unit.MICROSECONDS, "direct",
                            directP50, hearthP50, new Target.AtMostPlus(ADDED_P50_MICROS, "direct"),
                            roundTrips + " round trips, one at a time; " + note),
                    Row.measured(Section.WEBSOCKET.title(), "echoed messages per second", Unit.MESSAGES_PER_SECOND,
                            "direct", directRate, hearthRate, new Target.AtLeastRatio(0.5, "direct"),
                            messages + " messages, " + WINDOW + " in flight; " + note));
            var details = new LinkedHashMap<String, Object>();
            details.put("directRoundTripNanos", directNanos);
            details.put("hearthRoundTripNanos", hearthNanos);
            details.put("directMessagesPerSecond", directRate);
            details.put("hearthMessagesPerSecond", hearthRate);
            return new SectionResult(rows, details);
        } finally {
            client.stop();
        }
    }

    /** Nanoseconds of each round trip, sorted, after a warm-up of a tenth as many. */
    private static long[] roundTrips(WebSocketClient client, ClientUpgradeRequest request, int count) throws Exception {
        var echoes = new Echoes();
        Session session = client.connect(echoes, request).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        try {
            for (int i = 0; i < count / 10; i++) {
                roundTrip(session, echoes);
            }
            long[] nanos = new long[count];
            for (int i = 0; i < count; i++) {
                nanos[i] = roundTrip(session, echoes);
            }
            Arrays.sort(nanos);
            return nanos;
        } finally {
            session.close();
        }
    }

    private static long roundTrip(Session session, Echoes echoes) throws Exception {
        long start = System.nanoTime();
        session.sendText(MESSAGE, Callback.NOOP);
        if (echoes.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS) == null) {
            throw new TimeoutException("no echo within " + WAIT.toSeconds() + " s (expected: the message back)");
        }
        return System.nanoTime() - start;
    }

    /** Messages echoed per second with {@link #WINDOW} in flight. */
    private static double messagesPerSecond(WebSocketClient client, ClientUpgradeRequest request, int count)
            throws Exception {
        var echoes = new Echoes();
        Session session = client.connect(echoes, request).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        try {
            var window = new Semaphore(WINDOW);
            echoes.window = window;
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (!window.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new TimeoutException("no echo within " + WAIT.toSeconds() + " s after " + i + " messages");
                }
                session.sendText(MESSAGE, Callback.NOOP);
            }
            if (!window.tryAcquire(WINDOW, WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new TimeoutException("the last echoes did not come within " + WAIT.toSeconds() + " s");
            }
            return count / ((System.nanoTime() - start) / 1e9);
        } finally {
            session.close();
        }
    }

    /** The client's end: each echo either lands in a queue or frees a place in the window. */
    public static final class Echoes implements Session.Listener.AutoDemanding {
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private volatile Semaphore window;

        @Override
        public void onWebSocketText(String text) {
            Semaphore open = window;
            if (open != null) {
                open.release();
            } else {
                received.add(text);
            }
        }
    }
}
