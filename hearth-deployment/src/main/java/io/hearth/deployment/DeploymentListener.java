package io.hearth.deployment;

/**
 * Told of control-plane changes that affect live sessions and pools. Called after the change is durable,
 * on the thread that made it; implementations hand long work to their own threads.
 */
public interface DeploymentListener {

    /** The runtime is gone (every endpoint with it): its sessions end. */
    default void runtimeDeleted(String runtimeId) {}

    /** The endpoint is gone: sessions that came through it end. */
    default void endpointDeleted(String runtimeId, String endpointName) {}

    /** The endpoint now serves {@code version}; sessions already running keep theirs until they end. */
    default void endpointMoved(String runtimeId, String endpointName, String version) {}
}
