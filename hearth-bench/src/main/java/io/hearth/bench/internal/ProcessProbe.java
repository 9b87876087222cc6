package io.hearth.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Reads what a process holds from {@code /proc}: open descriptors, threads, resident memory, its descendants; and,
 * for a JVM, its retained heap ({@link RemoteHeap}: the heap left after a forced full collection).
 */
public final class ProcessProbe implements AutoCloseable {
    private final long pid;
    private RemoteHeap heap;

    public ProcessProbe(long pid) {
        this.pid = pid;
    }

    /** Open file descriptors, or -1 when the process is gone. */
    public long fds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Threads, or -1 when the process is gone. */
    public long threads() {
        return statusField("Threads:");
    }

    /** Resident set size in KiB, or -1 when the process is gone. */
    public long rssKib() {
        return statusField("VmRSS:");
    }

    /** Processes below this one (agents, and whatever wraps them under the isolation driver). */
    public long descendants() {
        return ProcessHandle.of(pid).map(h -> h.descendants().count()).orElse(0L);
    }

    /**
     * Forces a full GC in the process and returns the heap left after it, in bytes.
     *
     * @throws IllegalStateException when the process is not a JVM this user may attach to, or is gone
     */
    public synchronized long heapAfterFullGcBytes() {
        return jvm().afterFullGcBytes();
    }

    /** Milliseconds the process's JIT compilers have worked so far. */
    public synchronized long compilationMillis() {
        return jvm().compilationMillis();
    }

    private RemoteHeap jvm() {
        if (heap == null) {
            heap = RemoteHeap.attach(pid); // once: later readings reuse the connection
        }
        return heap;
    }

    /** The same in MiB; NaN when it could not be read (the soak records a gap rather than stopping). */
    public double heapAfterFullGcMib() {
        try {
            return heapAfterFullGcBytes() / (double) (1L << 20);
        } catch (IllegalStateException e) {
            return Double.NaN;
        }
    }

    private long statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public synchronized void close() {
        if (heap != null) {
            heap.close();
            heap = null;
        }
    }
}
