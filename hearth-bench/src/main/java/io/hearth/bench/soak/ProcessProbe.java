package io.hearth.bench.soak;

import io.hearth.bench.internal.Readiness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads what a process holds from {@code /proc}: open descriptors, threads, resident memory, its descendants; and
 * its retained heap: {@code jcmd <pid> GC.run} forces a full collection, whose "before->after" the process's GC log
 * states. A full GC rather than the last young one: after a young collection the old generation still holds
 * garbage, which would read as growth.
 */
final class ProcessProbe {
    private static final Pattern FULL_GC = Pattern.compile("Pause Full .*? (\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private final long pid;
    private final Path gcLog;
    private final String jcmd;
    private int fullGcsSeen;

    ProcessProbe(long pid, Path gcLog) {
        this.pid = pid;
        this.gcLog = gcLog;
        Path own = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        this.jcmd = Files.isExecutable(own) ? own.toString() : "jcmd";
    }

    /** Open file descriptors, or -1 when the process is gone. */
    long fds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Threads, or -1 when the process is gone. */
    long threads() {
        return statusField("Threads:");
    }

    /** Resident set size in KiB, or -1 when the process is gone. */
    long rssKib() {
        return statusField("VmRSS:");
    }

    /** Processes below this one (agents, and whatever wraps them under the isolation driver). */
    long descendants() {
        return ProcessHandle.of(pid).map(h -> h.descendants().count()).orElse(0L);
    }

    /** Forces a full GC and returns the heap left after it in MiB; NaN when that could not be read. */
    double heapAfterFullGcMib() {
        try {
            Process gc = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!gc.waitFor(60, TimeUnit.SECONDS)) {
                gc.destroyForcibly();
                return Double.NaN;
            }
            if (gc.exitValue() != 0) {
                return Double.NaN;
            }
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
        // The log line is written by the time GC.run returns; a short retry covers a file not yet flushed.
        for (int attempt = 0; attempt < 20; attempt++) {
            List<String> lines;
            try {
                lines = Files.readAllLines(gcLog);
            } catch (IOException e) {
                return Double.NaN;
            }
            int count = 0;
            double after = Double.NaN;
            for (String line : lines) {
                Matcher m = FULL_GC.matcher(line);
                if (m.find()) {
                    count++;
                    after = Double.parseDouble(m.group(2));
                }
            }
            if (count > fullGcsSeen) {
                fullGcsSeen = count;
                return after;
            }
            Readiness.sleepMillis(50);
        }
        return Double.NaN;
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
}
