package io.hearth.launcher;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Json;
import io.hearth.deployment.ServerProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import tools.jackson.databind.JsonNode;

/**
 * Asks an agent {@code GET /ping}: once for liveness, or repeatedly until it first answers. An agent whose protocol
 * has {@code /ping} must answer 200; for the others (MCP, A2A) any HTTP answer means the agent is up.
 */
public final class AgentProbe {
    /** How long the first readiness ping may take; each that runs out doubles it, up to {@link #MAX_ATTEMPT}. */
    private static final Duration EARLY_ATTEMPT = Duration.ofMillis(100);
    /**
     * How long the first bare connect may take; each that runs out doubles it, up to {@link #MAX_ATTEMPT}. A refused
     * connect comes back at once; one that runs out met a network that drops SYNs, as a gVisor sandbox's does between
     * its network stack taking the interface and the agent listening. A new attempt sends a new SYN: with the 100 ms
     * of a ping, an agent listening just after a dropped SYN waited out the rest of it (gVisor cold starts paid
     * 50–100 ms of it).
     */
    private static final Duration EARLY_CONNECT = Duration.ofMillis(5);
    private static final Duration MAX_ATTEMPT = Duration.ofSeconds(1);
    /**
     * Readiness polls come every {@code pause} until {@code until} of polling: every millisecond where interpreted agents
     * come up (a refused connect costs some 30 µs; half the pause is added to the cold start on average), then less
     * often for gVisor sandboxes and heavier agents, so that many sandboxes starting at once do not spend the host's
     * CPU on polls.
     */
    private record Cadence(Duration until, long pauseMillis) {}

    private static final List<Cadence> CADENCE = List.of(
            new Cadence(Duration.ofMillis(250), 1),
            new Cadence(Duration.ofSeconds(1), 4),
            new Cadence(Duration.ofSeconds(3), 12));
    private static final long SLOW_PAUSE_MILLIS = 50;

    private final HttpClient client;

    public AgentProbe(HttpClient client) {
        this.client = requireNonNull(client, "client");
    }

    /** What one {@code /ping} said; {@code timeOfLastUpdate} is absent when the agent leaves it out. */
    public record PingReply(boolean busy, Optional<Instant> timeOfLastUpdate) {}

    /** One ping of an agent that serves {@code /ping}; empty when it did not answer 200 in time. */
    public Optional<PingReply> ping(InetSocketAddress agent, Duration timeout) {
        return ping(agent, timeout, ServerProtocol.HTTP);
    }

    /** One ping, judged by the agent's protocol; empty when the agent did not answer (200 where it must) in time. */
    public Optional<PingReply> ping(InetSocketAddress agent, Duration timeout, ServerProtocol protocol) {
        try {
            ContentResponse response = client.newRequest(agent.getHostString(), agent.getPort())
                    .path("/ping")
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send();
            if (response.getStatus() != 200) {
                return protocol.answersPing() ? Optional.empty() : Optional.of(new PingReply(false, Optional.empty()));
            }
            return Optional.of(parse(response.getContent()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * Polls until the agent answers 200, {@code giveUp} returns true (the sandbox died), or the deadline passes.
     * Polls every millisecond at first, where typical agents come up: the gap between two polls is added to the cold
     * start a new session waits for. Until the agent accepts connections a poll is a bare TCP connect, closed at once;
     * from then on, a {@code GET /ping}. Slower agents are polled less often.
     */
    public boolean awaitReady(InetSocketAddress agent, Instant deadline, java.util.function.BooleanSupplier giveUp) {
        return awaitReady(agent, ServerProtocol.HTTP, deadline, giveUp);
    }

    /** As {@link #awaitReady(InetSocketAddress, Instant, java.util.function.BooleanSupplier)}, judged by the protocol. */
    public boolean awaitReady(InetSocketAddress agent, ServerProtocol protocol, Instant deadline,
            java.util.function.BooleanSupplier giveUp) {
        long started = System.nanoTime();
        // Short attempts first: a SYN sent before a gVisor sandbox's network stack is up is dropped, not refused, and a
        // long attempt would wait out the kernel's first retransmission (1 s) on it. An attempt that runs out (an agent
        // slow to answer its first ping) makes the next one twice as long, up to a second.
        Duration connect = EARLY_CONNECT;
        Duration attempt = EARLY_ATTEMPT;
        boolean listening = false;
        while (Instant.now().isBefore(deadline) && !giveUp.getAsBoolean()) {
            long tried = System.nanoTime();
            if (!listening) {
                listening = accepts(agent, connect);
                connect = ranOut(tried, connect) ? longer(connect) : connect;
                tried = System.nanoTime();
            }
            // Listening now: the ping follows at once.
            if (listening) {
                if (ping(agent, attempt, protocol).isPresent()) {
                    return true;
                }
                attempt = ranOut(tried, attempt) ? longer(attempt) : attempt;
            }
            try {
                Thread.sleep(pauseMillis(Duration.ofNanos(System.nanoTime() - started)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static boolean ranOut(long tried, Duration attempt) {
        return System.nanoTime() - tried >= attempt.toNanos() * 9 / 10;
    }

    private static Duration longer(Duration attempt) {
        return attempt.multipliedBy(2).compareTo(MAX_ATTEMPT) > 0 ? MAX_ATTEMPT : attempt.multipliedBy(2);
    }

    /** The pause before the next readiness poll, after polling for {@code polling}. */
    static long pauseMillis(Duration polling) {
        for (Cadence cadence : CADENCE) {
            if (polling.compareTo(cadence.until()) < 0) {
                return cadence.pauseMillis();
            }
        }
        return SLOW_PAUSE_MILLIS;
    }

    /** Whether something accepts TCP connections at {@code agent}: a connect, closed at once, with nothing sent. */
    static boolean accepts(InetSocketAddress agent, Duration timeout) {
        try (var socket = new Socket()) {
            socket.connect(agent, Math.toIntExact(Math.max(1, timeout.toMillis())));
            return true;
        } catch (IOException e) {
            return false; // refused (not listening yet), or the SYN went unanswered (a network not up yet)
        }
    }

    static PingReply parse(byte[] body) {
        try {
            JsonNode node = Json.mapper().readTree(body);
            boolean busy = "HealthyBusy".equals(node.path("status").asString(""));
            JsonNode stamp = node.get("time_of_last_update");
            Optional<Instant> updated = stamp != null && stamp.isNumber()
                    ? Optional.of(Instant.ofEpochSecond(stamp.asLong()))
                    : Optional.empty();
            return new PingReply(busy, updated);
        } catch (RuntimeException e) {
            // A 200 with a body we cannot read still means the agent is up.
            return new PingReply(false, Optional.empty());
        }
    }
}
