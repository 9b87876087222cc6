package io.hearth.session;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Session key → the one live session under it. The insert is atomic, so concurrent first requests share one
 * session and therefore one sandbox; what it inserts is made by a supplier that must not block (provisioning
 * happens after the insert, on the thread that made it).
 */
final class SessionDirectory {
    private final ConcurrentHashMap<SessionKey, Session> live = new ConcurrentHashMap<>();

    /** The session found or inserted, and whether this call inserted it (and so must provision it). */
    record Entry(Session session, boolean inserted) {}

    Optional<Session> find(SessionKey key) {
        return Optional.ofNullable(live.get(key));
    }

    Entry findOrInsert(SessionKey key, Supplier<Session> create) {
        Session found = live.get(key);
        if (found != null) {
            return new Entry(found, false);
        }
        Session[] made = new Session[1];
        Session session = live.computeIfAbsent(key, k -> made[0] = create.get());
        return new Entry(session, session == made[0]);
    }

    /** Removes exactly this session: a newer one under the same key stays. */
    void remove(Session session) {
        live.remove(session.key, session);
    }

    List<Session> sessions() {
        return List.copyOf(live.values());
    }

    List<Session> where(Predicate<Session> which) {
        return live.values().stream().filter(which).toList();
    }

    int size() {
        return live.size();
    }
}
