package io.hearth.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One immutable version of a runtime. Its configuration never changes; only its status moves while the
 * artifact is resolved.
 *
 * @param config JSON: the version's configuration as GetAgentRuntime returns it
 * @param launch JSON: where the code was unpacked and the command that starts it, once resolved
 */
public record StoredVersion(
        String runtimeId,
        int version,
        String status,
        Optional<String> failureReason,
        String config,
        Optional<String> launch,
        Instant createdAt) {

    public StoredVersion {
        requireNonNull(runtimeId, "runtimeId");
        requireNonNull(status, "status");
        requireNonNull(failureReason, "failureReason");
        requireNonNull(config, "config");
        requireNonNull(launch, "launch");
        requireNonNull(createdAt, "createdAt");
    }

    public StoredVersion resolved(String newStatus, Optional<String> reason, Optional<String> newLaunch) {
        return new StoredVersion(runtimeId, version, newStatus, reason, config, newLaunch, createdAt);
    }
}
