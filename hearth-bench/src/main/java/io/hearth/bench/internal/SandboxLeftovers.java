package io.hearth.bench.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Sandbox processes the density run started that are still there after its teardown: the idle agent, bubblewrap or
 * runsc, referring to the bench's scratch directory (in their command line or working directory). Anything else on
 * the host (other runs, other servers) is not the bench's and not counted.
 */
final class SandboxLeftovers {
    private static final List<String> SANDBOX_WORDS = List.of(AgentArtifacts.PYTHON_ENTRY, "bwrap", "runsc");

    private SandboxLeftovers() {}

    /** Waits up to {@code timeout} for them to go; returns those still there, as "pid command". */
    static List<String> awaitNone(Path workDir, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> left = find(workDir);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Readiness.sleepMillis(250);
            left = find(workDir);
        }
        return left;
    }

    static List<String> find(Path workDir) {
        String needle = workDir.toAbsolutePath().toString();
        long self = ProcessHandle.current().pid();
        var found = new ArrayList<String>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path proc : entries.toList()) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
                    continue;
                }
                String command = text(proc.resolve("cmdline"));
                boolean sandbox = SANDBOX_WORDS.stream().anyMatch(command::contains);
                if (sandbox && (command.contains(needle) || cwd(proc).startsWith(needle))) {
                    found.add(name + " " + command.strip());
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
