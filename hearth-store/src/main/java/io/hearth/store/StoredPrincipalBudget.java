package io.hearth.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.OptionalLong;

/** One principal's session budget as stored; an empty ceiling means none of that kind. */
public record StoredPrincipalBudget(String principal, OptionalLong wallClockSeconds, OptionalLong cpuSeconds,
        OptionalLong invocations, OptionalLong streamedBytes, Instant updatedAt) {
    public StoredPrincipalBudget {
        requireNonNull(principal, "principal");
        requireNonNull(wallClockSeconds, "wallClockSeconds");
        requireNonNull(cpuSeconds, "cpuSeconds");
        requireNonNull(invocations, "invocations");
        requireNonNull(streamedBytes, "streamedBytes");
        requireNonNull(updatedAt, "updatedAt");
    }
}
