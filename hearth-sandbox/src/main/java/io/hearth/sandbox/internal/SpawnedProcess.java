package io.hearth.sandbox.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child started by {@link Spawner}: a {@link Process} like the JDK's, whose exit is collected here.
 *
 * <p>The JDK reaps only the children it started itself, so each of these gets a thread of its own blocked in
 * {@code waitpid(2)}, as each of the JDK's does: platform threads with small stacks, since a blocking native call
 * would pin a virtual thread's carrier. The handle is taken while the child cannot yet have been reaped, so it names
 * this process (pid and start time) for as long as the object lives, and signals it only while it is that process.
 */
final class SpawnedProcess extends Process {
    private static final ExecutorService REAPERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), Thread.ofPlatform().name("hearth-reaper-", 0).daemon().stackSize(256 * 1024)
                    .factory());

    private final long pid;
    private final ProcessHandle handle;
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private volatile int exitValue;

    private SpawnedProcess(long pid, ProcessHandle handle) {
        this.pid = pid;
        this.handle = handle;
    }

    /** Wraps a child of this JVM that nothing has waited for yet, and starts waiting for it. */
    static SpawnedProcess reaped(long pid) {
        // A child that already ended is a zombie until waited for, so the handle can still be had.
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(
                "process " + pid + " is not visible right after its spawn (expected: a child not yet waited for)"));
        var process = new SpawnedProcess(pid, handle);
        REAPERS.execute(process::reap);
        return process;
    }

    private void reap() {
        try {
            int status = Libc.waitpid(pid);
            // As the JDK reports it: the exit code, or 128 + the signal that ended it.
            exitValue = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 0x80 + (status & 0x7f);
            exit.complete(this);
        } catch (RuntimeException | Error e) {
            exit.completeExceptionally(e);
        }
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ProcessHandle toHandle() {
        return handle;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit.copy();
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            exit.get();
        } catch (ExecutionException e) {
            throw notCollected(e);
        }
        return exitValue;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw notCollected(e);
        }
    }

    private IllegalStateException notCollected(ExecutionException e) {
        return new IllegalStateException("cannot collect the exit of process " + pid + ": " + e.getCause().getMessage(),
                e.getCause());
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }
        return exitValue;
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public void destroy() {
        handle.destroy();
    }

    @Override
    public Process destroyForcibly() {
        handle.destroyForcibly();
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    /** Its output went to a file: there is nothing to read. */
    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    /** Its input comes from a file: what is written here goes nowhere. */
    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public String toString() {
        return "SpawnedProcess[pid=" + pid + ", " + (isAlive() ? "alive" : "exitValue=" + exitValue) + "]";
    }
}
