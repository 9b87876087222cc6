package io.hearth.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Processes that still refer to a Hearth data directory: in their command line (bubblewrap and runsc name the
 * sandbox's directories there), working directory (the process driver starts agents in their code directory) or
 * environment (every driver hands agents a workspace under it). After Hearth stopped, there must be none.
 */
final class Leftovers {
    private Leftovers() {}

    static List<String> referring(Path dataDir) {
        String needle = dataDir.toAbsolutePath().toString();
        long self = ProcessHandle.current().pid();
        var found = new ArrayList<String>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path proc : entries.toList()) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
                    continue;
                }
                String command = text(proc.resolve("cmdline"));
                if (command.contains(needle) || cwd(proc).startsWith(needle) || text(proc.resolve("environ")).contains(needle)) {
                    found.add(name + " " + (command.isBlank() ? "(no command line)" : command.strip()));
                }
            }
        } catch (IOException e) {
            found.add("cannot list /proc: " + e.getMessage());
        }
        return found;
    }

    private static String text(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return ""; // gone meanwhile, or a kernel thread
        }
    }

    private static String cwd(Path proc) {
        try {
            return Files.readSymbolicLink(proc.resolve("cwd")).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
