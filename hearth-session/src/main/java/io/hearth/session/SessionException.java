package io.hearth.session;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Why a request could not get an exchange on its session. The session layer speaks only of sessions; the router
 * decides which AWS error each kind becomes.
 */
public abstract sealed class SessionException extends RuntimeException {
    private final String sessionId;

    private SessionException(String sessionId, String message, Throwable cause) {
        super(message, cause);
        this.sessionId = requireNonNull(sessionId, "sessionId");
    }

    public final String sessionId() {
        return sessionId;
    }

    /** The sandbox could not be built, or its agent ended or failed during start-up. */
    public static final class StartFailed extends SessionException {
        StartFailed(String sessionId, String why, Throwable cause) {
            super(sessionId, "Runtime initialization failed for session " + sessionId + ": " + why, cause);
        }
    }

    /** The agent was still starting when the caller's wait ran out. */
    public static final class NotReady extends SessionException {
        NotReady(String sessionId, Duration waited) {
            super(sessionId, "session " + sessionId + ": the agent was not ready within " + waited.toSeconds()
                    + " s (expected: GET /ping answered with 200)", null);
        }
    }

    /** The session ended (stopped, shut down, deleted) before the request could enter it. */
    public static final class Ended extends SessionException {
        private final EndReason reason;

        Ended(String sessionId, EndReason reason, String detail) {
            super(sessionId, "session " + sessionId + " ended before the request could enter it ("
                    + reason.wireName() + ": " + detail + ")", null);
            this.reason = requireNonNull(reason, "reason");
        }

        public EndReason reason() {
            return reason;
        }
    }

    /** The caller's thread was interrupted while it waited for the agent. */
    public static final class Interrupted extends SessionException {
        Interrupted(String sessionId) {
            super(sessionId, "session " + sessionId + ": interrupted while waiting for the agent to be ready", null);
        }
    }
}
