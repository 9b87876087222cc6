package io.hearth.session;

import static java.util.Objects.requireNonNull;

/**
 * Names one session: the same runtime, endpoint, owner and {@code runtimeSessionId} reach the same sandbox.
 * The endpoint is part of the key because InvokeAgentRuntime and StopRuntimeSession both carry a qualifier. The owner
 * (the principal that opened it, {@code Principal.ownerKey()}) is part of it so that another principal presenting
 * the same session id never reaches this session: it gets a session of its own, and its stop finds nothing.
 */
public record SessionKey(String runtimeId, String endpointName, String owner, String sessionId) {
    /** The owner of sessions opened in-process, without a principal (tests, tools embedding the session layer). */
    public static final String LOCAL_OWNER = "LOCAL";

    public SessionKey {
        requireNonNull(runtimeId, "runtimeId");
        requireNonNull(endpointName, "endpointName");
        requireNonNull(owner, "owner");
        requireNonNull(sessionId, "sessionId");
        if (owner.isEmpty()) {
            throw new IllegalArgumentException("owner: empty (expected: the principal's owner key)");
        }
    }

    public SessionKey(String runtimeId, String endpointName, String sessionId) {
        this(runtimeId, endpointName, LOCAL_OWNER, sessionId);
    }
}
