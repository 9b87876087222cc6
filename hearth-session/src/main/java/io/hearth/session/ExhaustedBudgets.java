package io.hearth.session;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Session ids whose session a budget ended: their next requests are refused, naming the budget, rather than given a
 * fresh sandbox (a runaway caller would otherwise only restart the loop), until a StopRuntimeSession on the id
 * clears it. Bounded: the oldest entries leave first.
 */
final class ExhaustedBudgets {
    private final int max;
    private final Map<SessionKey, String> ended = new LinkedHashMap<>();

    ExhaustedBudgets(int max) {
        this.max = max;
    }

    synchronized void add(SessionKey key, String detail) {
        ended.remove(key);
        ended.put(key, detail);
        if (ended.size() > max) {
            ended.remove(ended.keySet().iterator().next());
        }
    }

    /** @throws SessionException.Ended when a budget ended the session of this key */
    void refuse(SessionKey key) {
        Optional<String> detail;
        synchronized (this) {
            detail = Optional.ofNullable(ended.get(key));
        }
        if (detail.isPresent()) {
            throw new SessionException.Ended(key.sessionId(), EndReason.BUDGET, detail.get()
                    + "; StopRuntimeSession on this session id lets it start afresh");
        }
    }

    /** True when the key was refused until now. */
    synchronized boolean forget(SessionKey key) {
        return ended.remove(key) != null;
    }
}
