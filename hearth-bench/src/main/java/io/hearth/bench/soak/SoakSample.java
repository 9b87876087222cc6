package io.hearth.bench.soak;

/**
 * Hearth's process at one moment of the soak.
 *
 * @param seconds           since load started
 * @param fds               open file descriptors
 * @param threads           threads
 * @param rssMib            resident memory
 * @param heapMib           heap after a full GC; NaN when it could not be read
 * @param liveSandboxes     live sessions of the soak's runtime, as {@code /hearth/v1/sessions} lists them
 * @param agentProcesses    processes below Hearth's (agents and their wrappers)
 * @param invokesPerSecond  successful invocations per second since the previous sample
 * @param errors            unexpected failures since the previous sample
 */
public record SoakSample(double seconds, long fds, long threads, double rssMib, double heapMib, int liveSandboxes,
        long agentProcesses, double invokesPerSecond, long errors) {
    public SoakSample {
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("seconds: " + seconds + " (expected: 0 or more)");
        }
        if (errors < 0) {
            throw new IllegalArgumentException("errors: " + errors + " (expected: 0 or more)");
        }
    }
}
