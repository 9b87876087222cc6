package io.hearth.sandbox;

/**
 * The size of one sandbox. Defaults follow AgentCore's per-session hardware (2 vCPU, 8 GiB).
 *
 * @param vcpus          CPU as a share of cores (CFS quota), for example 0.5 or 2
 * @param memoryBytes    hard memory limit; exceeding it kills the sandbox (exit reason {@code oom})
 * @param maxProcesses   pids limit, against fork bombs
 * @param workspaceBytes the sandbox's disk quota: one bound on everything the agent writes (its workspace, {@code /tmp},
 *                       and its copy-on-write layer over the code or image); past it, writes fail with ENOSPC
 */
public record ResourceLimits(double vcpus, long memoryBytes, int maxProcesses, long workspaceBytes) {
    /** AgentCore's 2 vCPU and 8 GiB; a 2 GiB disk, whose tmpfs pages count against the memory limit when written. */
    public static final ResourceLimits DEFAULT = new ResourceLimits(2.0, 8L << 30, 1024, 2L << 30);

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
