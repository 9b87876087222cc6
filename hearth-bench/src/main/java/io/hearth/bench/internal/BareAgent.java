package io.hearth.bench.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** An agent process the bench starts itself, without Hearth: the baseline every proxy and start-up figure is held to. */
public final class BareAgent implements AutoCloseable {
    private final Process process;
    private final InetSocketAddress address;
    private final long startedNanos;

    private BareAgent(Process process, InetSocketAddress address, long startedNanos) {
        this.process = process;
        this.address = address;
        this.startedNanos = startedNanos;
    }

    /** Starts the program on {@code port}; returns at once (see {@link #awaitReady}). Output goes to {@code log}. */
    public static BareAgent start(AgentProgram program, int port, Path log) {
        var builder = new ProcessBuilder(program.command())
                .directory(program.workDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(program.environment());
        builder.environment().put("PORT", Integer.toString(port));
        long started = System.nanoTime();
        try {
            return new BareAgent(builder.start(), Ports.loopback(port), started);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + program.command() + ": " + e.getMessage(), e);
        }
    }

    /** Waits until {@code GET /ping} answers 200; returns the time since the process was started. */
    public Duration awaitReady(Duration timeout) {
        return awaitReady(timeout, Duration.ofMillis(1));
    }

    /** As {@link #awaitReady(Duration)}, polling every {@code every}: coarser when many start at once. */
    public Duration awaitReady(Duration timeout, Duration every) {
        Readiness.await(address, timeout, every, process::isAlive, "agent " + process.pid());
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    public long startedNanos() {
        return startedNanos;
    }

    public InetSocketAddress address() {
        return address;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Asks it to stop without waiting; {@link #close} waits. Lets a thousand agents stop in parallel. */
    public void requestStop() {
        process.destroy();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
