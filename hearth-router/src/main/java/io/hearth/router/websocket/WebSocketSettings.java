package io.hearth.router.websocket;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How relayed WebSockets behave (docs/websocket.md).
 *
 * @param idleTimeout     a socket on which nothing moves for this long, in either direction (frames and pings count),
 *                        is closed with 1001 on both sides (AgentCore: about 60 s; its clients ping every 30 s)
 * @param maxFrameBytes   the largest frame taken from either side; a larger one closes both sides with 1009. A frame is
 *                        held whole while it is relayed, so this bounds what one socket holds per direction
 * @param maxMessageBytes the largest message, all its fragments together; a larger one closes both sides with 1009
 *                        (AgentCore's payload limit, 100,000,000 bytes)
 * @param connectTimeout  how long the agent may take to accept the upgrade; then the caller gets 424
 */
public record WebSocketSettings(Duration idleTimeout, long maxFrameBytes, long maxMessageBytes, Duration connectTimeout) {
    public static final WebSocketSettings DEFAULT = new WebSocketSettings(Duration.ofSeconds(60), 16L << 20,
            100_000_000L, Duration.ofSeconds(10));

    public WebSocketSettings {
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(connectTimeout, "connectTimeout");
        if (idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: at least 1 ms)");
        }
        if (maxFrameBytes < 125) {
            // A control frame may carry 125 bytes: a smaller limit would refuse pings and closes.
            throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " (expected: at least 125)");
        }
        if (maxMessageBytes < maxFrameBytes) {
            throw new IllegalArgumentException("maxMessageBytes: " + maxMessageBytes
                    + " (expected: at least maxFrameBytes, " + maxFrameBytes + ")");
        }
        if (connectTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: at least 1 ms)");
        }
    }

    public WebSocketSettings withIdleTimeout(Duration newIdleTimeout) {
        return new WebSocketSettings(newIdleTimeout, maxFrameBytes, maxMessageBytes, connectTimeout);
    }

    public WebSocketSettings withLimits(long newMaxFrameBytes, long newMaxMessageBytes) {
        return new WebSocketSettings(idleTimeout, newMaxFrameBytes, newMaxMessageBytes, connectTimeout);
    }

    public WebSocketSettings withConnectTimeout(Duration newConnectTimeout) {
        return new WebSocketSettings(idleTimeout, maxFrameBytes, maxMessageBytes, newConnectTimeout);
    }
}
