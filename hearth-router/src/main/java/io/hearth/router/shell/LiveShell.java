package io.hearth.router.shell;

import static java.util.Objects.requireNonNull;

import io.hearth.sandbox.ExecSpec.TerminalSize;
import io.hearth.sandbox.SandboxProcess;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running shell: a program on a pseudo-terminal in a session's sandbox, and at most one client socket attached
 * to it. Output goes to the attached socket as it is produced, the terminal's reader waiting while the socket is
 * slow (the shell then blocks on its own writes); with no socket attached it is kept in a bounded
 * {@link ReplayBuffer} for the next client. A shell left without a client for the reconnect window is killed.
 */
final class LiveShell {
    private static final Logger LOG = LoggerFactory.getLogger(LiveShell.class);
    /** WebSocket close codes the official clients act on: 1000 ends for good, 4000 "another client took over". */
    static final int NORMAL = 1000;
    static final int KICKED = 4000;
    static final int GOING_AWAY = 1001;
    /** How long after the terminal closed the program may take to report its exit before it is killed. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
    /** How long output still buffered in the terminal may take to drain once the program exited. */
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(1);

    final ShellKey key;
    final String sandboxId;
    private final SandboxProcess process;
    private final Duration reconnectWindow;
    private final ScheduledExecutorService ticker;
    private final Executor blocking;
    private final Runnable onFinished;
    /** Frames leave in order, one sender at a time: the terminal's output, a replay, the final status. */
    private final ReentrantLock sending = new ReentrantLock();

    // Guarded by this.
    private final ReplayBuffer backlog;
    private ShellConnection attached;
    private Integer exitCode;
    private boolean finished;
    private ScheduledFuture<?> expiry;

    LiveShell(ShellKey key, String sandboxId, SandboxProcess process, ShellSettings settings,
            ScheduledExecutorService ticker, Executor blocking, Runnable onFinished) {
        this.key = requireNonNull(key, "key");
        this.sandboxId = requireNonNull(sandboxId, "sandboxId");
        this.process = requireNonNull(process, "process");
        this.reconnectWindow = settings.reconnectWindow();
        this.backlog = new ReplayBuffer(settings.replayBytes());
        this.ticker = requireNonNull(ticker, "ticker");
        this.blocking = requireNonNull(blocking, "blocking");
        this.onFinished = requireNonNull(onFinished, "onFinished");
    }

    /** Reads the terminal until it closes, then reports the exit; runs on its own thread for the shell's life. */
    void pump() {
        // Output a background job still writes after the shell exited would hold the terminal open for ever.
        process.exit().whenComplete((code, failure) -> {
            try {
                ticker.schedule(process::close, DRAIN_AFTER_EXIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                process.close(); // the server is stopping
            }
        });
        byte[] buffer = new byte[ShellFrames.MAX_PAYLOAD_BYTES];
        try {
            InputStream output = process.stdout();
            int n;
            while ((n = output.read(buffer)) >= 0) {
                if (n > 0) {
                    deliver(buffer, n);
                }
            }
        } catch (IOException e) {
            // A terminal whose last writer has gone reads as an error (EIO), not as end of file.
        } catch (RuntimeException e) {
            LOG.warn("shell {} of session {}: reading its terminal failed", key.id(), key.session().sessionId(), e);
        }
        exited(exitCode());
    }

    private void deliver(byte[] buffer, int length) {
        sending.lock();
        try {
            ShellConnection to;
            synchronized (this) {
                to = attached;
                if (to == null) {
                    backlog.add(buffer, 0, length);
                    return;
                }
            }
            if (!to.send(ShellFrames.stdout(buffer, 0, length))) {
                synchronized (this) {
                    backlog.add(buffer, 0, length); // the next client gets it: it may never have arrived
                    detachLocked(to);
                }
            }
        } finally {
            sending.unlock();
        }
    }

    private int exitCode() {
        try {
            return process.exit().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.kill();
            try {
                return process.exit().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException again) {
                return 255;
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
                return 255;
            }
        } catch (ExecutionException e) {
            return 255;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 255;
        }
    }

    /** The attached client gets the exit status and a normal close; with none, the next one within the window does. */
    private void exited(int code) {
        process.close();
        ShellConnection to;
        sending.lock();
        try {
            synchronized (this) {
                exitCode = code;
                to = attached;
                if (to == null) {
                    return; // kept for the window, so a client that reattaches hears how it ended
                }
                attached = null;
                finished = true;
                cancelExpiryLocked();
            }
            to.send(ShellFrames.exited(code));
            to.close(NORMAL, "shell exited with code " + code);
        } finally {
            sending.unlock();
        }
        onFinished.run();
    }

    /**
     * Attaches a client: it gets the confirmation (with how much output was lost while detached), then the output
     * kept since the last client, then the live output; a client attached before is closed with 4000. A shell that
     * exited while detached sends its status and closes. False when the shell is over.
     */
    boolean attach(ShellConnection client, boolean reconnected) {
        requireNonNull(client, "client");
        kick(takeAttached());
        sending.lock();
        try {
            List<byte[]> replay;
            long dropped;
            Integer code;
            synchronized (this) {
                if (finished) {
                    return false;
                }
                cancelExpiryLocked();
                dropped = backlog.dropped();
                replay = backlog.drain();
                code = exitCode;
            }
            boolean delivered = client.send(ShellFrames.connected(key.id().value(), reconnected, dropped));
            int sent = 0;
            for (; delivered && sent < replay.size(); sent++) {
                delivered = sendAll(client, replay.get(sent));
            }
            if (!delivered) {
                synchronized (this) {
                    for (byte[] chunk : replay.subList(Math.max(0, sent - 1), replay.size())) {
                        backlog.add(chunk, 0, chunk.length);
                    }
                    scheduleExpiryLocked();
                }
                return true;
            }
            if (code != null) {
                synchronized (this) {
                    finished = true;
                }
                client.send(ShellFrames.exited(code));
                client.close(NORMAL, "shell exited with code " + code);
                onFinished.run();
                return true;
            }
            ShellConnection previous;
            synchronized (this) {
                previous = attached;
                attached = client;
            }
            kick(previous);
            return true;
        } finally {
            sending.unlock();
        }
    }

    private static boolean sendAll(ShellConnection client, byte[] chunk) {
        for (int offset = 0; offset < chunk.length; offset += ShellFrames.MAX_PAYLOAD_BYTES) {
            if (!client.send(ShellFrames.stdout(chunk, offset, Math.min(ShellFrames.MAX_PAYLOAD_BYTES, chunk.length - offset)))) {
                return false;
            }
        }
        return true;
    }

    private synchronized ShellConnection takeAttached() {
        ShellConnection previous = attached;
        attached = null;
        return previous;
    }

    private void kick(ShellConnection previous) {
        if (previous != null) {
            previous.close(KICKED, "another connection attached to shell " + key.id());
        }
    }

    /** A new shell before its first client: it too is killed if none comes within the reconnect window. */
    synchronized void awaitClient() {
        if (attached == null) {
            scheduleExpiryLocked();
        }
    }

    /** The client's socket closed without ending the shell: it keeps running for the reconnect window. */
    synchronized void detach(ShellConnection client) {
        detachLocked(client);
    }

    private void detachLocked(ShellConnection client) {
        if (attached == client) {
            attached = null;
        }
        if (attached == null) {
            scheduleExpiryLocked();
        }
    }

    /** Sends input to the terminal; blocks while the terminal does not take it. */
    void input(byte[] bytes) {
        try {
            var stdin = process.stdin();
            stdin.write(bytes);
            stdin.flush();
        } catch (IOException e) {
            // The shell has gone; its exit is on its way to the client.
        }
    }

    void resize(TerminalSize size) {
        try {
            process.resize(size);
        } catch (RuntimeException e) {
            LOG.debug("shell {}: resize to {} failed: {}", key.id(), size, e.toString());
        }
    }

    /** The client ended the shell (0xFF): it hears 0xFF back and a normal close, and the shell is killed for good. */
    void closeByClient(ShellConnection client) {
        synchronized (this) {
            finished = true;
            if (attached == client) {
                attached = null;
            }
            cancelExpiryLocked();
        }
        sending.lock();
        try {
            client.send(ShellFrames.close());
            client.close(NORMAL, "shell closed by the client");
        } finally {
            sending.unlock();
        }
        killSoon();
        onFinished.run();
    }

    /** The session ended or the server stops: the shell is killed, and an attached client hears its exit. */
    void kill() {
        killSoon();
    }

    /** Ends it now, whatever it is doing: the client, if any, is told why. */
    void terminate(int closeCode, String reason) {
        ShellConnection to;
        synchronized (this) {
            finished = true;
            to = attached;
            attached = null;
            cancelExpiryLocked();
        }
        if (to != null) {
            to.close(closeCode, reason);
        }
        killSoon();
        onFinished.run();
    }

    /** Killing may wait (an isolating driver signals inside the sandbox): never on the caller's thread. */
    private void killSoon() {
        try {
            blocking.execute(process::kill);
        } catch (RejectedExecutionException e) {
            process.kill(); // the server is stopping
        }
    }

    synchronized boolean finished() {
        return finished;
    }

    private void scheduleExpiryLocked() {
        if (finished || expiry != null) {
            return;
        }
        expiry = ticker.schedule(() -> blocking.execute(this::expire), reconnectWindow.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelExpiryLocked() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
    }

    private void expire() {
        synchronized (this) {
            if (attached != null || finished) {
                return;
            }
            finished = true;
            expiry = null;
        }
        LOG.debug("shell {} of session {}: no client for {} s, killed", key.id(), key.session().sessionId(),
                reconnectWindow.toSeconds());
        process.kill();
        onFinished.run();
    }

    @Override
    public String toString() {
        return "shell " + key.id() + " of session " + key.session().sessionId();
    }
}
