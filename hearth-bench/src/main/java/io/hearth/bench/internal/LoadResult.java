package io.hearth.bench.internal;

import static java.util.Objects.requireNonNull;

/**
 * One closed-loop load run.
 *
 * @param target            direct, nginx, hearth, or a variant of hearth's requests
 * @param concurrency       connections, each with one request in flight
 * @param requests          successful requests (status 2xx) in the measured window
 * @param errors            non-2xx answers and socket errors (connect, read, write, timeout)
 * @param seconds           the measured window
 * @param requestsPerSecond successful requests per second
 * @param p50Micros         median latency, as the generator's histogram has it
 * @param p99Micros         99th percentile latency, the same way
 * @param firstError        what the errors were; empty when there was none
 * @param generator         the load generator and its flags, such as {@code wrk -t4 -c16 -d5s}
 */
public record LoadResult(String target, int concurrency, long requests, long errors, double seconds,
        double requestsPerSecond, double p50Micros, double p99Micros, String firstError, String generator) {
    public LoadResult {
        requireNonNull(target, "target");
        requireNonNull(firstError, "firstError");
        requireNonNull(generator, "generator");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: at least 1)");
        }
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("seconds: " + seconds + " (expected: positive)");
        }
    }
}
