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
     * Polls fast at first: cold-start latency is what a new session waits for.
     */
    public boolean awaitReady(InetSocketAddress agent, Instant deadline, java.util.function.BooleanSupplier giveUp) {
        return awaitReady(agent, ServerProtocol.HTTP, deadline, giveUp);
    }

    /** As {@link #awaitReady(InetSocketAddress, Instant, java.util.function.BooleanSupplier)}, judged by the protocol. */
    public boolean awaitReady(InetSocketAddress agent, ServerProtocol protocol, Instant deadline,
            java.util.function.BooleanSupplier giveUp) {
        long pauseMillis = 2;
        while (Instant.now().isBefore(deadline) && !giveUp.getAsBoolean()) {
            if (ping(agent, Duration.ofSeconds(1), protocol).isPresent()) {
                return true;
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pauseMillis = Math.min(pauseMillis * 2, 50);
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
