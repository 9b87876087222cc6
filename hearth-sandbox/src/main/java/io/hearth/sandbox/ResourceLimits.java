package io.hearth.sandbox;

/**
 * The size of one sandbox. Defaults follow AgentCore's per-session hardware (2 vCPU, 8 GiB).
 *
 * @param vcpus          CPU as a share of cores (CFS quota), for example 0.5 or 2
 * @param memoryBytes    hard memory limit; exceeding it kills the sandbox (exit reason {@code oom})
 * @param maxProcesses   pids limit, against fork bombs
 * @param workspaceBytes bound on the private writable workspace
 */
public record ResourceLimits(double vcpus, long memoryBytes, int maxProcesses, long workspaceBytes) {
    public static final ResourceLimits DEFAULT = new ResourceLimits(2.0, 8L << 30, 1024, 1L << 30);

    public ResourceLimits {
        if (!(vcpus >= 0.05 && vcpus <= 64)) {
            throw new IllegalArgumentException("vcpus: " + vcpus + " (expected: 0.05 to 64)");
        }
        if (memoryBytes < (16L << 20)) {
            throw new IllegalArgumentException("memoryBytes: " + memoryBytes + " (expected: at least 16 MiB)");
        }
        if (maxProcesses < 8) {
            throw new IllegalArgumentException("maxProcesses: " + maxProcesses + " (expected: at least 8)");
        }
        if (workspaceBytes < (1L << 20)) {
            throw new IllegalArgumentException("workspaceBytes: " + workspaceBytes + " (expected: at least 1 MiB)");
        }
    }
}
