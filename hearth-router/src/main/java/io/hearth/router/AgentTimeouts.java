package io.hearth.router;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long one proxied exchange may take: {@code total} bounds a whole exchange (AgentCore's 60-minute stream
 * limit), {@code idle} bounds silence on the agent connection (its 15-minute synchronous request limit).
 */
public record AgentTimeouts(Duration total, Duration idle) {
    public static final AgentTimeouts DEFAULT = new AgentTimeouts(Duration.ofMinutes(60), Duration.ofMinutes(15));

    public AgentTimeouts {
        requireNonNull(total, "total");
        requireNonNull(idle, "idle");
    }
}
