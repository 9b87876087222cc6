package io.hearth.router.tracing;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recent traces of each session, in memory: a session keeps its last {@code perSession}, and all sessions
 * together at most {@code total}, the oldest leaving first. One short lock per finished invocation.
 */
final class TraceStore {
    private final int perSession;
    private final int total;
    private final Map<String, ArrayDeque<InvocationTrace>> bySession = new HashMap<>();
    /** Every kept trace, oldest first; a trace a session already dropped may linger here until compacted. */
    private final ArrayDeque<InvocationTrace> arrival = new ArrayDeque<>();
    private final java.util.Set<InvocationTrace> dropped = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private int kept;

    TraceStore(int perSession, int total) {
        this.perSession = perSession;
        this.total = total;
    }

    synchronized void add(InvocationTrace trace) {
        String key = key(trace.runtimeId(), trace.sessionId());
        ArrayDeque<InvocationTrace> session = bySession.computeIfAbsent(key, k -> new ArrayDeque<>());
        session.addLast(trace);
        arrival.addLast(trace);
        kept++;
        if (session.size() > perSession) {
            dropped.add(session.removeFirst());
            kept--;
        }
        while (kept > total) {
            InvocationTrace oldest = arrival.removeFirst();
            if (dropped.remove(oldest)) {
                continue;
            }
            String oldestKey = key(oldest.runtimeId(), oldest.sessionId());
            ArrayDeque<InvocationTrace> of = bySession.get(oldestKey);
            of.remove(oldest);
            if (of.isEmpty()) {
                bySession.remove(oldestKey);
            }
            kept--;
        }
        if (arrival.size() > 2 * total) {
            arrival.removeIf(dropped::remove);
        }
    }

    /** The session's kept traces, oldest first. */
    synchronized List<InvocationTrace> of(String runtimeId, String sessionId) {
        ArrayDeque<InvocationTrace> session = bySession.get(key(runtimeId, sessionId));
        return session == null ? List.of() : List.copyOf(session);
    }

    synchronized int size() {
        return kept;
    }

    private static String key(String runtimeId, String sessionId) {
        return runtimeId + '\n' + sessionId;
    }
}
