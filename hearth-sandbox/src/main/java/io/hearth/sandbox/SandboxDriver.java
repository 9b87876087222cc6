package io.hearth.sandbox;

/**
 * Starts and stops sandboxes of one isolation kind. A driver knows nothing of sessions or HTTP routing:
 * it builds a sandbox from a {@link SandboxSpec}, says where the agent listens, and tears everything down.
 *
 * <p>Implementations are thread-safe: the session manager starts and stops sandboxes from many virtual threads.
 */
public interface SandboxDriver extends AutoCloseable {

    /** The name operators choose it by: {@code process}, {@code namespaces}, {@code gvisor}. */
    String name();

    /** One sentence for the start-up log: what this driver protects against, and what it does not. */
    String isolationSummary();

    /**
     * Starts the agent and returns once its process exists; readiness ({@code GET /ping}) is the caller's concern.
     *
     * @throws SandboxException when the sandbox cannot be built; nothing of it is left behind
     */
    Sandbox start(SandboxSpec spec);

    /**
     * The id of the running sandbox whose connections come from {@code source}, for services on the host that must
     * know who calls them (the instance metadata service). Known from before the agent's process starts until its
     * teardown; drivers whose sandboxes share the host's network know none.
     */
    default java.util.Optional<String> sandboxAt(java.net.InetAddress source) {
        return java.util.Optional.empty();
    }

    /**
     * The most a hibernating sandbox of this driver keeps: gVisor its memory (when the agent's state can be saved),
     * namespaces its files; empty when its sandboxes cannot hibernate, as the process driver's cannot.
     */
    default java.util.Optional<HibernationKind> hibernation() {
        return java.util.Optional.empty();
    }

    /**
     * Finds what a previous run of the server left (processes, cgroups, mounts, network namespaces, state
     * directories) and removes it. Idempotent; called once at start-up before any sandbox starts.
     */
    ReclaimReport reclaimLeftovers();

    /**
     * Stops every sandbox this driver started and still runs, including those whose start is under way, and returns
     * within a bounded time (about ten seconds, however many there are). Afterwards {@link #start} throws a
     * {@link SandboxException}. Idempotent.
     */
    @Override
    void close();
}
