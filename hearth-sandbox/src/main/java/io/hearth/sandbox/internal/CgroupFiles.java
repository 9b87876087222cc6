package io.hearth.sandbox.internal;

import io.hearth.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reading and writing cgroup control files, which hold one value or {@code key value} lines. */
final class CgroupFiles {
    private CgroupFiles() {}

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new SandboxException("cannot write " + value + " to " + file + ": " + e.getMessage(), e);
        }
    }

    static void writeIfPresent(Path file, String value) {
        if (Files.exists(file)) {
            write(file, value);
        }
    }

    /** The first number in the file, or -1 when the file is missing or holds no number (for example {@code max}). */
    static long number(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.isEmpty() || !Character.isDigit(text.charAt(0)) ? -1 : Long.parseLong(text.split("\\s+")[0]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The value of {@code key} in a file of {@code key value} lines, or 0 when absent. */
    static long keyed(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && parts[0].equals(key)) {
                    return Long.parseLong(parts[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    static Set<Long> pids(Path procs) {
        var pids = new LinkedHashSet<Long>();
        try {
            for (String line : Files.readAllLines(procs)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (NoSuchFileException e) {
            return Set.of();
        } catch (IOException e) {
            // A cgroup removed while we read it answers ENODEV: it is gone, and so are its processes.
            if (!Files.exists(procs.getParent())) {
                return Set.of();
            }
            if (String.valueOf(e.getMessage()).contains("No such device")) {
                return Set.of();
            }
            throw new SandboxException("cannot read " + procs + ": " + e.getMessage(), e);
        }
        return pids;
    }

    static boolean killAll(Path procs, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<Long> pids = pids(procs);
            if (pids.isEmpty()) {
                return true;
            }
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(5);
        }
    }

    /**
     * Removes empty cgroup directories, children first. The kernel refuses while the last task is still exiting,
     * so a busy directory gets a few short retries.
     */
    static void removeDirs(List<Path> dirs) {
        for (Path dir : dirs) {
            for (int attempt = 0; Files.exists(dir); attempt++) {
                try {
                    Files.delete(dir);
                } catch (NoSuchFileException e) {
                    break;
                } catch (FileSystemException e) { // EBUSY while the last task exits
                    if (attempt >= 100) {
                        break; // still busy after a second: left for reclaim, and visible in existingDirs()
                    }
                    sleep(10);
                } catch (IOException e) {
                    break;
                }
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
