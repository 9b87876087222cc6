package io.hearth.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One endpoint's warm-pool settings as stored; {@code config} is the pool manager's own JSON. */
public record StoredPool(String runtimeId, String endpointName, String config, Instant updatedAt) {
    public StoredPool {
        requireNonNull(runtimeId, "runtimeId");
        requireNonNull(endpointName, "endpointName");
        requireNonNull(config, "config");
        requireNonNull(updatedAt, "updatedAt");
    }
}
