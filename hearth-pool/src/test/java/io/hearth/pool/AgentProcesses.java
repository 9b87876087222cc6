package io.hearth.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds the agent processes a test started, by an entry it put in their environment, on the host itself. */
final class AgentProcesses {
    private AgentProcesses() {}

    /** Live (not zombie) processes whose environment holds {@code entry} ({@code NAME=value}). */
    static List<Long> withEnvironment(String entry) {
        var found = new ArrayList<Long>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                if (List.of(read(proc.resolve("environ")).split("\0")).contains(entry) && !zombie(proc)) {
                    found.add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    /** SIGKILLs them: a failed test's own cleanup, so one failure does not leak into the next. */
    static void kill(List<Long> pids) {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static boolean zombie(Path proc) {
        String stat = read(proc.resolve("stat"));
        int end = stat.lastIndexOf(')');
        return end < 0 || stat.length() < end + 3 || "ZX".indexOf(stat.charAt(end + 2)) >= 0;
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // it ended while we looked
        }
    }
}
