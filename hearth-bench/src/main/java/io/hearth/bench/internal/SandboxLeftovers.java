package io.hearth.bench.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        return HostProcesses.referring(workDir, command -> SANDBOX_WORDS.stream().anyMatch(command::contains), false);
    }
}
