package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The programs a sandbox runs beside its agent, so that they end with it: once closed it admits no more, and every
 * program it holds is closed (killed, its descriptors released).
 */
final class ExecRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ExecRegistry.class);

    private final String sandbox;
    private final Set<ExecProcess> live = new HashSet<>();
    private boolean closed;

    ExecRegistry(String sandbox) {
        this.sandbox = sandbox;
    }

    /** Refuses a program for a sandbox that has ended or is ending. */
    void admit(boolean sandboxAlive) {
        synchronized (live) {
            if (closed || !sandboxAlive) {
                throw ended();
            }
        }
    }

    /** Holds a started program until it is closed; one that lost the race with the sandbox's end is closed here. */
    ExecProcess register(ExecProcess process) {
        synchronized (live) {
            if (!closed) {
                live.add(process);
                process.onClose(() -> forget(process));
                return process;
            }
        }
        process.close();
        throw ended();
    }

    private void forget(ExecProcess process) {
        synchronized (live) {
            live.remove(process);
        }
    }

    /** Closes every program and refuses new ones; idempotent. */
    void closeAll() {
        List<ExecProcess> toClose;
        synchronized (live) {
            closed = true;
            toClose = new ArrayList<>(live);
        }
        for (ExecProcess process : toClose) {
            try {
                process.close();
            } catch (RuntimeException e) {
                LOG.warn("sandbox {}: cannot end a program it ran: {}", sandbox, process, e);
            }
        }
    }

    private SandboxException ended() {
        return new SandboxException("sandbox " + sandbox + ": has ended (expected: a running sandbox to run a program in)");
    }
}
