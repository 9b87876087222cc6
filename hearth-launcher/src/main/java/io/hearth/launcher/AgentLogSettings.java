package io.hearth.launcher;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How agents' logs are kept: each sandbox's stdout and stderr go to one file, rotated to {@code <file>.1} when it
 * passes {@code maxFileBytes} (so a sandbox holds at most about twice that on disk), and both are deleted
 * {@code retention} after the sandbox ended.
 *
 * @param maxFileBytes  size at which the live file is rotated
 * @param retention     how long the log of an ended sandbox is kept
 * @param sweepInterval how often ended sandboxes' logs are looked for and deleted past their retention
 */
public record AgentLogSettings(long maxFileBytes, Duration retention, Duration sweepInterval) {
    public static final AgentLogSettings DEFAULT =
            new AgentLogSettings(10L << 20, Duration.ofHours(24), Duration.ofMinutes(1));

    public AgentLogSettings {
        requireNonNull(retention, "retention");
        requireNonNull(sweepInterval, "sweepInterval");
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("maxFileBytes: " + maxFileBytes + " (expected: at least 1024)");
        }
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention: " + retention + " (expected: zero or more)");
        }
        if (sweepInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("sweepInterval: " + sweepInterval + " (expected: at least 100 ms)");
        }
    }

    public AgentLogSettings withMaxFileBytes(long bytes) {
        return new AgentLogSettings(bytes, retention, sweepInterval);
    }

    public AgentLogSettings withRetention(Duration newRetention) {
        return new AgentLogSettings(maxFileBytes, newRetention, sweepInterval);
    }

    public AgentLogSettings withSweepInterval(Duration interval) {
        return new AgentLogSettings(maxFileBytes, retention, interval);
    }

    /** The file a log is rotated into. */
    public static java.nio.file.Path rotated(java.nio.file.Path log) {
        return log.resolveSibling(log.getFileName() + ".1");
    }
}
