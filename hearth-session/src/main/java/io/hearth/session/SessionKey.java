package io.hearth.session;

import static java.util.Objects.requireNonNull;

/**
 * Names one session: the same runtime, endpoint and {@code runtimeSessionId} reach the same sandbox.
 * The endpoint is part of the key because InvokeAgentRuntime and StopRuntimeSession both carry a qualifier.
 */
public record SessionKey(String runtimeId, String endpointName, String sessionId) {
    public SessionKey {
        requireNonNull(runtimeId, "runtimeId");
        requireNonNull(endpointName, "endpointName");
        requireNonNull(sessionId, "sessionId");
    }
}
