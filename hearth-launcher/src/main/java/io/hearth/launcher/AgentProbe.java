package io.hearth.launcher;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Json;
import io.hearth.deployment.ServerProtocol;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
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
    /**
     * Readiness polls come every {@link #FAST_PAUSE_MILLIS} for the first {@link #FAST_POLLING} (where interpreted
     * agents come up), every {@link #MEDIUM_PAUSE_MILLIS} until {@link #MEDIUM_POLLING} (gVisor sandboxes, heavier
     * agents), then every {@link #SLOW_PAUSE_MILLIS}: many sandboxes starting at once must not spend the host's CPU
     * on polls.
     */
    /** How long the first readiness attempt may take; each that runs out doubles it, up to {@link #MAX_ATTEMPT}. */
    private static final Duration EARLY_ATTEMPT = Duration.ofMillis(100);
    private static final Duration MAX_ATTEMPT = Duration.ofSeconds(1);
    private static final Duration FAST_POLLING = Duration.ofSeconds(1);
    private static final Duration MEDIUM_POLLING = Duration.ofSeconds(3);
    private static final long FAST_PAUSE_MILLIS = 4;
    private static final long MEDIUM_PAUSE_MILLIS = 12;
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
     * Polls every few milliseconds for the first seconds, where typical agents come up: the gap between two polls is
     * added to the cold start a new session waits for, and a refused connection to a sandbox costs well under a
     * millisecond. Slower agents are polled less often.
     */
    public boolean awaitReady(InetSocketAddress agent, Instant deadline, java.util.function.BooleanSupplier giveUp) {
        return awaitReady(agent, ServerProtocol.HTTP, deadline, giveUp);
    }

    /** As {@link #awaitReady(InetSocketAddress, Instant, java.util.function.BooleanSupplier)}, judged by the protocol. */
    public boolean awaitReady(InetSocketAddress agent, ServerProtocol protocol, Instant deadline,
            java.util.function.BooleanSupplier giveUp) {
        long started = System.nanoTime();
        long pauseMillis = 1;
        // Short attempts first: a SYN sent before a gVisor sandbox's network stack is up is dropped, not refused, and a
        // long attempt would wait out the kernel's first retransmission (1 s) on it. An attempt that runs out (an agent
        // slow to answer its first ping) makes the next one twice as long, up to a second.
        Duration attempt = EARLY_ATTEMPT;
        while (Instant.now().isBefore(deadline) && !giveUp.getAsBoolean()) {
            long tried = System.nanoTime();
            if (ping(agent, attempt, protocol).isPresent()) {
                return true;
            }
            if (System.nanoTime() - tried >= attempt.toNanos() * 9 / 10) {
                attempt = attempt.multipliedBy(2).compareTo(MAX_ATTEMPT) > 0 ? MAX_ATTEMPT : attempt.multipliedBy(2);
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            long polling = System.nanoTime() - started;
            pauseMillis = Math.min(pauseMillis * 2, polling < FAST_POLLING.toNanos() ? FAST_PAUSE_MILLIS
                    : polling < MEDIUM_POLLING.toNanos() ? MEDIUM_PAUSE_MILLIS : SLOW_PAUSE_MILLIS);
        }
        return false;
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
