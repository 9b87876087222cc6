package io.hearth.session;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the session manager watches sessions.
 *
 * @param readinessTimeout  how long a new sandbox may take to answer {@code GET /ping} with 200
 * @param pingInterval      how often a live agent's {@code /ping} is polled (AgentCore: about 2 s)
 * @param unhealthyAfter    consecutive failed pings, with no request in flight, that end a session as unhealthy
 * @param endedHistory      how many ended sessions are kept for the sessions API
 */
public record SessionSettings(Duration readinessTimeout, Duration pingInterval, int unhealthyAfter, int endedHistory) {
    public static final SessionSettings DEFAULT = new SessionSettings(Duration.ofSeconds(60), Duration.ofSeconds(2), 5, 1000);

    public SessionSettings {
        requireNonNull(readinessTimeout, "readinessTimeout");
        requireNonNull(pingInterval, "pingInterval");
        if (readinessTimeout.isNegative() || readinessTimeout.isZero()) {
            throw new IllegalArgumentException("readinessTimeout: " + readinessTimeout + " (expected: positive)");
        }
        if (pingInterval.toMillis() < 10) {
            throw new IllegalArgumentException("pingInterval: " + pingInterval + " (expected: at least 10 ms)");
        }
        if (unhealthyAfter < 1) {
            throw new IllegalArgumentException("unhealthyAfter: " + unhealthyAfter + " (expected: at least 1)");
        }
        if (endedHistory < 0) {
            throw new IllegalArgumentException("endedHistory: " + endedHistory + " (expected: 0 or more)");
        }
    }

    public SessionSettings withPingInterval(Duration interval) {
        return new SessionSettings(readinessTimeout, interval, unhealthyAfter, endedHistory);
    }

    public SessionSettings withReadinessTimeout(Duration timeout) {
        return new SessionSettings(timeout, pingInterval, unhealthyAfter, endedHistory);
    }
}
