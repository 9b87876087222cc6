package io.hearth.sandbox.internal;

import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.SandboxProcess;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A program run inside a sandbox through a host process (the program itself, or the host tool that entered the
 * sandbox for it and passes its exit status on): its pipes or terminal, its exit, and how to kill it.
 */
final class ExecProcess implements SandboxProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ExecProcess.class);
    /** After SIGKILL, how long close() waits for the host process to be gone before releasing its descriptors. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

    /**
     * Kills the program and its descendants inside the sandbox; returns once they are gone or a bounded wait passed.
     * Called again after the host process has exited, for what the program left running.
     */
    interface Killer {
        void kill(Process host);
    }

    private final String description;
    private final Process host;
    private final Optional<Pty> terminal;
    private final Killer killer;
    private final CompletableFuture<Integer> exit;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> onClose = new CopyOnWriteArrayList<>();

    ExecProcess(String description, Process host, Optional<Pty> terminal, Killer killer) {
        this.description = description;
        this.host = host;
        this.terminal = terminal;
        this.killer = killer;
        this.exit = host.onExit().thenApply(Process::exitValue);
        terminal.ifPresent(t -> host.onExit().whenComplete((p, failure) -> t.releaseSlave()));
        if (terminal.isPresent()) {
            this.stdin = terminal.get().input();
            this.stdout = terminal.get().output();
            this.stderr = InputStream.nullInputStream();
        } else {
            // The JDK buffers what is written to a child: flushed at every write, so the program reads it at once.
            this.stdin = new FilterOutputStream(host.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    out.flush();
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    out.flush();
                }
            };
            this.stdout = host.getInputStream();
            this.stderr = host.getErrorStream();
        }
    }

    void onClose(Runnable action) {
        onClose.add(action);
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return exit.copy();
    }

    @Override
    public void resize(ExecSpec.TerminalSize size) {
        terminal.orElseThrow(() -> new IllegalStateException(description + ": has no terminal (expected: started"
                + " with ExecSpec.terminal to resize)")).resize(size);
    }

    @Override
    public void kill() {
        killer.kill(host);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            kill();
            try {
                exit.get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("{}: host process {} still there {} after SIGKILL", description, host.pid(), EXIT_WAIT);
                host.destroyForcibly();
            }
        } finally {
            closeQuietly(host.getOutputStream());
            closeQuietly(host.getInputStream());
            closeQuietly(host.getErrorStream());
            terminal.ifPresent(Pty::close);
            onClose.forEach(Runnable::run);
        }
    }

    private static void closeQuietly(AutoCloseable stream) {
        try {
            stream.close();
        } catch (Exception e) {
            // releasing only: nothing left to tell the program
        }
    }

    @Override
    public String toString() {
        return description + " (host pid " + host.pid() + ")";
    }
}
