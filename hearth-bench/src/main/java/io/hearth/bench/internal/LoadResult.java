package io.hearth.bench.internal;

import static java.util.Objects.requireNonNull;

/**
 * One closed-loop load run.
 *
 * @param target            direct, nginx or hearth
 * @param concurrency       connections, each with one request in flight
 * @param requests          successful requests (status 200) in the measured window
 * @param errors            failed requests and connection errors
 * @param seconds           the measured window
 * @param requestsPerSecond successful requests per second
 * @param p50Micros         median latency
 * @param p99Micros         99th percentile latency
 * @param firstError        what the first error was; empty when there was none
 */
public record LoadResult(String target, int concurrency, long requests, long errors, double seconds,
        double requestsPerSecond, double p50Micros, double p99Micros, String firstError) {
    public LoadResult {
        requireNonNull(target, "target");
        requireNonNull(firstError, "firstError");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: at least 1)");
        }
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("seconds: " + seconds + " (expected: positive)");
        }
    }
}
