package io.hearth.session;

import java.util.ArrayDeque;
import java.util.List;

/** The most recently ended sessions, oldest dropped first, for the sessions API. */
final class EndedSessions {
    private final int capacity;
    private final ArrayDeque<SessionInfo> ended = new ArrayDeque<>();

    EndedSessions(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: 0 or more)");
        }
        this.capacity = capacity;
    }

    synchronized void add(SessionInfo info) {
        if (capacity == 0) {
            return;
        }
        ended.addLast(info);
        while (ended.size() > capacity) {
            ended.removeFirst();
        }
    }

    /** Most recent first. */
    synchronized List<SessionInfo> newestFirst() {
        return List.copyOf(ended.reversed());
    }
}
