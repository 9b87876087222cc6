package io.hearth.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Looks for what a sandbox may leave behind: processes whose environment or command line names it. */
public final class Leftovers {
    private Leftovers() {}

    /** Pids of live processes whose environment or command line contains {@code marker} (for example a data dir). */
    public static List<Long> processesMentioning(String marker) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> Long.parseLong(p.getFileName().toString()) != ProcessHandle.current().pid())
                    .filter(p -> mentions(p.resolve("environ"), marker) || mentions(p.resolve("cmdline"), marker))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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
