package io.hearth.bench.internal;

import static java.util.Objects.requireNonNull;

/**
 * What the SSE client saw.
 *
 * @param requested    streams it tried to open
 * @param opened       streams whose first event arrived
 * @param held         streams still open at the end of the hold that received an event during it
 * @param failed       streams that failed (refused, reset, error status, timed out)
 * @param openSeconds  how long opening took
 * @param firstFailure the first failure, for the report; empty when none
 */
public record SseOutcome(int requested, int opened, int held, int failed, double openSeconds, String firstFailure) {
    public SseOutcome {
        requireNonNull(firstFailure, "firstFailure");
        if (held > opened || opened > requested) {
            throw new IllegalArgumentException("held " + held + ", opened " + opened + ", requested " + requested
                    + " (expected: held ≤ opened ≤ requested)");
        }
    }
}
