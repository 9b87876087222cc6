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
 * @param shutdownGrace     how long closing the session manager may take to stop every sandbox, starting ones too
 * @param hibernation       how long hibernated sessions and session storage are kept, and a tenant's share of them
 */
public record SessionSettings(Duration readinessTimeout, Duration pingInterval, int unhealthyAfter, int endedHistory,
        Duration shutdownGrace, HibernationPolicy hibernation) {
    public static final SessionSettings DEFAULT = new SessionSettings(Duration.ofSeconds(60), Duration.ofSeconds(2), 5,
            1000, Duration.ofSeconds(10), HibernationPolicy.DEFAULT);

    public SessionSettings(Duration readinessTimeout, Duration pingInterval, int unhealthyAfter, int endedHistory,
            Duration shutdownGrace) {
        this(readinessTimeout, pingInterval, unhealthyAfter, endedHistory, shutdownGrace, HibernationPolicy.DEFAULT);
    }

    /** A ping gets at least this long to answer, however short the interval. */
    private static final Duration MIN_PING_TIMEOUT = Duration.ofSeconds(2);

    public SessionSettings {
        requireNonNull(readinessTimeout, "readinessTimeout");
        requireNonNull(pingInterval, "pingInterval");
        requireNonNull(shutdownGrace, "shutdownGrace");
        requireNonNull(hibernation, "hibernation");
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
        if (shutdownGrace.isNegative() || shutdownGrace.isZero()) {
            throw new IllegalArgumentException("shutdownGrace: " + shutdownGrace + " (expected: positive)");
        }
    }

    /** How long one health ping may take before it counts as failed: the interval, but at least 2 s. */
    public Duration pingTimeout() {
        return pingInterval.compareTo(MIN_PING_TIMEOUT) < 0 ? MIN_PING_TIMEOUT : pingInterval;
    }

    public SessionSettings withPingInterval(Duration interval) {
        return new SessionSettings(readinessTimeout, interval, unhealthyAfter, endedHistory, shutdownGrace, hibernation);
    }

    public SessionSettings withReadinessTimeout(Duration timeout) {
        return new SessionSettings(timeout, pingInterval, unhealthyAfter, endedHistory, shutdownGrace, hibernation);
    }

    public SessionSettings withUnhealthyAfter(int failedPings) {
        return new SessionSettings(readinessTimeout, pingInterval, failedPings, endedHistory, shutdownGrace, hibernation);
    }

    public SessionSettings withShutdownGrace(Duration grace) {
        return new SessionSettings(readinessTimeout, pingInterval, unhealthyAfter, endedHistory, grace, hibernation);
    }

    public SessionSettings withHibernation(HibernationPolicy policy) {
        return new SessionSettings(readinessTimeout, pingInterval, unhealthyAfter, endedHistory, shutdownGrace, policy);
    }
}
