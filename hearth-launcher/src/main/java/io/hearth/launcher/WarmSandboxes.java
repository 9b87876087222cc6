package io.hearth.launcher;

import io.hearth.deployment.Deployment;
import java.util.Optional;

/**
 * Where the session manager looks for a ready sandbox before starting one cold (the pool manager implements it).
 * The session manager only reports; every decision about how many to keep lives behind this interface.
 */
public interface WarmSandboxes {

    /** No pool: every session starts cold. */
    WarmSandboxes NONE = new WarmSandboxes() {
        @Override
        public Optional<WarmSandbox> claim(Deployment deployment) {
            return Optional.empty();
        }

        @Override
        public void arrived(Deployment deployment) {}
    };

    /**
     * Hands over, atomically, a ready sandbox of exactly this runtime, endpoint and version, or nothing.
     * Never blocks: a miss means a cold start.
     */
    Optional<WarmSandbox> claim(Deployment deployment);

    /** A new session arrived at this endpoint (whether or not a claim served it). */
    void arrived(Deployment deployment);
}
