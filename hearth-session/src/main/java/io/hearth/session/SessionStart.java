package io.hearth.session;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * How a session's sandbox started, as a trace of the invocation that waited on it shows it.
 *
 * @param createdAt when the session was created (its start began)
 * @param readyAt   when its agent became ready; empty while it starts
 * @param pooled    whether it took a ready sandbox from a warm pool rather than starting one cold
 * @param driver    the sandbox driver it runs under
 */
public record SessionStart(Instant createdAt, Optional<Instant> readyAt, boolean pooled, String driver) {
    public SessionStart {
        requireNonNull(createdAt, "createdAt");
        requireNonNull(readyAt, "readyAt");
        requireNonNull(driver, "driver");
    }
}
