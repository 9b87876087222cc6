package io.hearth.sandbox;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One running sandbox. */
public interface Sandbox {

    String id();

    /** Where Hearth reaches the agent: its address and its protocol's port (8080, 8000 or 9000). */
    InetSocketAddress agentAddress();

    /**
     * Completes once, when the sandbox has ended for any reason and its teardown is over (or has been left to the
     * next reclaim): later than {@link #isAlive()} turns false.
     */
    CompletableFuture<SandboxExit> exit();

    /**
     * Whether the agent's process still runs. It turns false as soon as the driver sees that process exit, before
     * the teardown that {@link #exit()} waits for: a sandbox that is not alive must be sent no further request, and
     * its exit may still be incomplete. The default, for sandboxes without a teardown of their own, follows
     * {@link #exit()}.
     */
    default boolean isAlive() {
        return !exit().isDone();
    }

    /** CPU, memory and process counts from the sandbox's cgroups; empty for drivers without cgroups or once it ended. */
    default Optional<SandboxUsage> usage() {
        return Optional.empty();
    }

    /**
     * Starts a program inside the running sandbox (InvokeAgentRuntimeCommand, interactive shells), under the same
     * isolation as its agent; returns once the program exists.
     *
     * @throws SandboxException when the sandbox has ended or the program cannot be started
     */
    default SandboxProcess exec(ExecSpec spec) {
        throw new SandboxException("sandbox " + id() + " cannot run programs beside its agent");
    }

    /**
     * Saves the sandbox into {@code dir} and ends it: its memory too when the driver can (then the agent resumes where
     * it was), else its files alone. Returns once the sandbox is gone and the image complete; its {@link #exit()} then
     * reports a stop. The caller owns {@code dir} (created if missing) and removes it.
     *
     * @throws SandboxException when the sandbox cannot hibernate (its driver cannot, it has ended, or saving failed);
     *                          the sandbox is stopped either way
     */
    default HibernationImage hibernate(java.nio.file.Path dir) {
        throw new SandboxException("sandbox " + id() + " cannot hibernate (expected: the namespaces or gvisor driver)");
    }

    /**
     * Ends the sandbox at once and removes everything it held (processes, workspace, cgroups, network).
     * Idempotent; returns when nothing of it remains, or, should its teardown hang, after a bounded wait (the stop
     * grace, then SIGKILL, then some seconds), leaving the rest to the next reclaim.
     */
    void stop();
}
