package io.hearth.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One agent runtime as stored. {@code seq} is assigned by the store on insert (pass 0 before that); {@code tenant} is
 * the 12-digit account that owns it (and so its versions, endpoints, pools and sessions).
 */
public record StoredRuntime(
        long seq,
        String id,
        String tenant,
        String name,
        String arn,
        String status,
        Optional<String> failureReason,
        int latestVersion,
        Map<String, String> tags,
        Instant createdAt,
        Instant lastUpdatedAt) {

    public StoredRuntime {
        requireNonNull(id, "id");
        requireNonNull(tenant, "tenant");
        requireNonNull(name, "name");
        requireNonNull(arn, "arn");
        requireNonNull(status, "status");
        requireNonNull(failureReason, "failureReason");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(lastUpdatedAt, "lastUpdatedAt");
        tags = Map.copyOf(tags);
        if (latestVersion < 1) {
            throw new IllegalArgumentException("latestVersion: " + latestVersion + " (expected: 1 or more)");
        }
    }

    public StoredRuntime withStatus(String newStatus, Optional<String> reason, Instant at) {
        return new StoredRuntime(seq, id, tenant, name, arn, newStatus, reason, latestVersion, tags, createdAt, at);
    }

    public StoredRuntime withLatestVersion(int version, String newStatus, Instant at) {
        return new StoredRuntime(seq, id, tenant, name, arn, newStatus, Optional.empty(), version, tags, createdAt, at);
    }
}
