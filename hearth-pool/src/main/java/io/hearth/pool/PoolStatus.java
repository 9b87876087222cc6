package io.hearth.pool;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What one pool holds now, for operators and the API.
 *
 * @param source  {@code api} when set through the Hearth API, {@code tags} when derived from runtime tags,
 *                {@code pre-warm} when only an open pre-warm window keeps it
 * @param version the version its sandboxes run (the endpoint's live version), when the endpoint serves one
 * @param desired how many ready sandboxes it aims for now, and {@code reason} says why
 */
public record PoolStatus(
        String runtimeId,
        String endpointName,
        String source,
        PoolConfig config,
        Optional<String> version,
        int ready,
        int starting,
        int desired,
        String reason,
        double arrivalsPerSecond,
        long coldStartMillis,
        long hits,
        long misses) {

    public PoolStatus {
        requireNonNull(runtimeId, "runtimeId");
        requireNonNull(endpointName, "endpointName");
        requireNonNull(source, "source");
        requireNonNull(config, "config");
        requireNonNull(version, "version");
        requireNonNull(reason, "reason");
    }
}
