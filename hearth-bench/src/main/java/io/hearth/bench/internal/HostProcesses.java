package io.hearth.bench.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The host's processes, read from /proc: what the bench and the soak check for leftovers. */
public final class HostProcesses {
    private HostProcesses() {}

    /**
     * Every process but this one whose command line passes {@code kind} and that refers to {@code dir} in its command
     * line, its working directory or, with {@code environmentToo}, its environment; as "pid command".
     */
    public static List<String> referring(Path dir, Predicate<String> kind, boolean environmentToo) {
        String needle = dir.toAbsolutePath().toString();
        long self = ProcessHandle.current().pid();
        var found = new ArrayList<String>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path proc : entries.toList()) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
                    continue;
                }
                String command = text(proc.resolve("cmdline"));
                if (kind.test(command) && (command.contains(needle) || cwd(proc).startsWith(needle)
                        || (environmentToo && text(proc.resolve("environ")).contains(needle)))) {
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
