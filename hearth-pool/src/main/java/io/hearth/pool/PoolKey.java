package io.hearth.pool;

import static java.util.Objects.requireNonNull;

/** A pool belongs to one endpoint of one runtime, so it follows whatever version that endpoint serves. */
public record PoolKey(String runtimeId, String endpointName) {
    public PoolKey {
        requireNonNull(runtimeId, "runtimeId");
        requireNonNull(endpointName, "endpointName");
    }

    @Override
    public String toString() {
        return runtimeId + "/" + endpointName;
    }
}
