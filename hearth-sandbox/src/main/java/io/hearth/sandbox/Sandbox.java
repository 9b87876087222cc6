package io.hearth.sandbox;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One running sandbox. */
public interface Sandbox {

    String id();

    /** Where Hearth reaches the agent's HTTP port (the container's 8080). */
    InetSocketAddress agentAddress();

    /** Completes once, when the sandbox has ended for any reason and its resources are released or being released. */
    CompletableFuture<SandboxExit> exit();

    default boolean isAlive() {
        return !exit().isDone();
    }

    /** CPU, memory and process counts from the sandbox's cgroups; empty for drivers without cgroups or once it ended. */
    default Optional<SandboxUsage> usage() {
        return Optional.empty();
    }

    /**
     * Ends the sandbox at once and removes everything it held (processes, workspace, cgroups, network).
     * Idempotent; returns when nothing of it remains, or, should its teardown hang, after a bounded wait (the stop
     * grace, then SIGKILL, then some seconds), leaving the rest to the next reclaim.
     */
    void stop();
}
