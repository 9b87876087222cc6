package io.hearth.sandbox;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What a sandbox has used so far, read from its cgroups: for metrics, and to show that its limits hold.
 *
 * @param cpuTime            CPU time of every process in the sandbox, the runtime's own helpers included
 * @param throttledPeriods   CFS periods in which the sandbox ran out of CPU quota
 * @param memoryBytes        memory charged now (including its tmpfs pages: workspace and /tmp)
 * @param memoryPeakBytes    the highest memory charge seen, or -1 where the kernel does not keep it
 * @param processes          tasks (threads included) in the sandbox now
 * @param processLimitHits   times a fork or clone failed because the pids limit was reached
 */
public record SandboxUsage(
        Duration cpuTime,
        long throttledPeriods,
        long memoryBytes,
        long memoryPeakBytes,
        long processes,
        long processLimitHits) {
    public SandboxUsage {
        requireNonNull(cpuTime, "cpuTime");
        if (cpuTime.isNegative()) {
            throw new IllegalArgumentException("cpuTime: " + cpuTime + " (expected: zero or more)");
        }
        if (throttledPeriods < 0 || memoryBytes < 0 || processes < 0 || processLimitHits < 0) {
            throw new IllegalArgumentException("usage counters: throttledPeriods=" + throttledPeriods + ", memoryBytes="
                    + memoryBytes + ", processes=" + processes + ", processLimitHits=" + processLimitHits
                    + " (expected: zero or more)");
        }
        if (memoryPeakBytes < -1) {
            throw new IllegalArgumentException("memoryPeakBytes: " + memoryPeakBytes + " (expected: -1 or more)");
        }
    }
}
