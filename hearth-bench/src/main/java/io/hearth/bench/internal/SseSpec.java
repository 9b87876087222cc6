package io.hearth.bench.internal;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What the SSE client process is asked to do.
 *
 * @param targets      where the streams go, round-robin: each a port, a path and a session id (blank: none)
 * @param streams      how many streams to open
 * @param events       events each stream asks the agent for (enough to outlast opening and holding)
 * @param intervalMs   the agent's pause between events
 * @param openSeconds  how long opening may take
 * @param holdSeconds  how long to hold them all open afterwards
 * @param maxOpening   streams opening at once (connect, request, wait for the first event)
 */
public record SseSpec(List<SseTarget> targets, int streams, int events, int intervalMs, int openSeconds, int holdSeconds,
        int maxOpening) {

    /** One place streams go. */
    public record SseTarget(int port, String path, String session) {
        public SseTarget {
            requireNonNull(path, "path");
            requireNonNull(session, "session");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
            }
        }
    }

    public SseSpec {
        targets = List.copyOf(requireNonNull(targets, "targets"));
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: empty (expected: at least one)");
        }
        if (streams < 1 || events < 2 || intervalMs < 1 || openSeconds < 1 || holdSeconds < 1 || maxOpening < 1) {
            throw new IllegalArgumentException("sse spec: streams " + streams + ", events " + events + ", intervalMs "
                    + intervalMs + ", openSeconds " + openSeconds + ", holdSeconds " + holdSeconds + ", maxOpening "
                    + maxOpening + " (expected: events at least 2, everything else at least 1)");
        }
    }
}
