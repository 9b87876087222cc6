package io.hearth.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looks for what a sandbox may leave behind: processes whose environment, command line or cgroup names it. The
 * cgroup catches agents of the isolating drivers, whose environment is cleared and whose paths are private.
 */
public final class Leftovers {
    private Leftovers() {}

    /** Pids of live processes whose environment, command line or cgroup contains {@code marker} (a data dir, a sandbox id). */
    public static List<Long> processesMentioning(String marker) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> Long.parseLong(p.getFileName().toString()) != ProcessHandle.current().pid())
                    .filter(p -> running(p))
                    .filter(p -> mentions(p.resolve("environ"), marker) || mentions(p.resolve("cmdline"), marker)
                            || mentions(p.resolve("cgroup"), marker))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Whether the process runs: it exists and is no zombie. A zombie has ended and holds nothing but its pid until
     * its parent (after a server's SIGKILL, the init process) reaps it.
     */
    public static boolean running(long pid) {
        return running(Path.of("/proc", Long.toString(pid)));
    }

    private static boolean running(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean mentions(Path file, String marker) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).contains(marker);
        } catch (IOException | SecurityException e) {
            return false; // the process ended while we looked, or is not ours to read
        }
    }
}
