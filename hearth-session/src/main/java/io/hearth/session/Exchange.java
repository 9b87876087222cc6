package io.hearth.session;

import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxProcess;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One request's hold on a session: while it is open the session is never idle. The router closes it when the
 * exchange with the caller is over (the last byte of a stream included); the session aborts it when it ends
 * first.
 */
public final class Exchange implements AutoCloseable {
    private final Session session;
    private final InetSocketAddress agent;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<Consumer<EndReason>> onAbort = new AtomicReference<>();
    private volatile EndReason abortedBy;

    Exchange(Session session, InetSocketAddress agent) {
        this.session = session;
        this.agent = agent;
    }

    public InetSocketAddress agent() {
        return agent;
    }

    public String sessionId() {
        return session.sessionId();
    }

    public String sandboxId() {
        return session.sandboxId();
    }

    /**
     * Starts a program in this session's sandbox, beside its agent (InvokeAgentRuntimeCommand). The exchange stays
     * open, and the session busy, for as long as the caller keeps it; the session ending kills the program.
     *
     * @throws SandboxException when the sandbox is gone or cannot run the program
     */
    public SandboxProcess exec(ExecSpec spec) {
        return session.sandbox().orElseThrow(() -> new SandboxException("session " + sessionId()
                + ": no sandbox to run a program in (expected: a live session)")).exec(spec);
    }

    /** When and how the session's sandbox started: a cold start or a warm pool's, under which driver. */
    public SessionStart start() {
        return session.start();
    }

    /** The session this exchange holds: runtime, endpoint, owner and session id. */
    public SessionKey sessionKey() {
        return session.key;
    }

    Session session() {
        return session;
    }

    /**
     * The MCP session id the agent issued on this session, if it issued one: a caller that lets Hearth choose its
     * session sees the session's id as its MCP session id, and the agent gets its own back (docs/protocols.md).
     */
    public java.util.Optional<String> agentMcpSessionId() {
        return session.agentMcpSessionId();
    }

    /** Remembers the MCP session id the agent issued, for the session's later requests. */
    public void agentIssuedMcpSessionId(String id) {
        session.agentMcpSessionId(java.util.Objects.requireNonNull(id, "id"));
    }

    /** Registers what to do if the session ends while this exchange is open (for example, abort the agent call). */
    public void onAbort(Consumer<EndReason> abort) {
        onAbort.set(abort);
        if (abortedBy != null) {
            abort.accept(abortedBy);
        }
    }

    /** What ended the session, in words (the budget used up, say); empty while it lives. */
    public String endDetail() {
        return session.endDetail();
    }

    /** Why the session ended under this exchange, if it did. */
    public java.util.Optional<EndReason> abortedBy() {
        return java.util.Optional.ofNullable(abortedBy);
    }

    /**
     * The agent refused or dropped this exchange's connection, so its sandbox may have died before its exit was
     * noticed: the next request does not enter until the session has made sure, and gets a fresh sandbox if not.
     */
    /**
     * Whether this exchange's agent was killed from outside (SIGKILL or SIGTERM, not by its memory limit): what a call
     * it never answered cannot have caused. Waits at most {@code wait} for the sandbox to report how it ended; false if
     * it still runs then, or ended any other way (an exit of its own, a crash, out of memory). Blocks: for a worker.
     */
    public boolean killedFromOutside(java.time.Duration wait) {
        var sandbox = session.sandbox();
        if (sandbox.isEmpty()) {
            return false;
        }
        try {
            var exit = sandbox.get().exit().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return exit instanceof io.hearth.sandbox.SandboxExit.Signalled signalled
                    && (signalled.signal() == 9 || signalled.signal() == 15);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    public void agentUnreachable() {
        session.doubtAgent();
    }

    void abort(EndReason reason) {
        abortedBy = reason;
        Consumer<EndReason> abort = onAbort.get();
        if (abort != null) {
            abort.accept(reason);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            session.leave(this, Instant.now());
        }
    }
}
