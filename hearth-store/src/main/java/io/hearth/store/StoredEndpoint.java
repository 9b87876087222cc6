package io.hearth.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/** One endpoint of a runtime: a name that serves {@code liveVersion} and is moving to {@code targetVersion}. */
public record StoredEndpoint(
        long seq,
        String runtimeId,
        String name,
        String id,
        Optional<String> description,
        OptionalInt liveVersion,
        int targetVersion,
        String status,
        Optional<String> failureReason,
        Instant createdAt,
        Instant lastUpdatedAt) {

    public StoredEndpoint {
        requireNonNull(runtimeId, "runtimeId");
        requireNonNull(name, "name");
        requireNonNull(id, "id");
        requireNonNull(description, "description");
        requireNonNull(liveVersion, "liveVersion");
        requireNonNull(status, "status");
        requireNonNull(failureReason, "failureReason");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(lastUpdatedAt, "lastUpdatedAt");
    }

    public StoredEndpoint targeting(int version, Optional<String> newDescription, String newStatus, Instant at) {
        return new StoredEndpoint(seq, runtimeId, name, id, newDescription, liveVersion, version, newStatus,
                Optional.empty(), createdAt, at);
    }

    public StoredEndpoint live(int version, Instant at) {
        return new StoredEndpoint(seq, runtimeId, name, id, description, OptionalInt.of(version), targetVersion,
                "READY", Optional.empty(), createdAt, at);
    }

    public StoredEndpoint failed(String newStatus, String reason, Instant at) {
        return new StoredEndpoint(seq, runtimeId, name, id, description, liveVersion, targetVersion, newStatus,
                Optional.of(reason), createdAt, at);
    }
}
