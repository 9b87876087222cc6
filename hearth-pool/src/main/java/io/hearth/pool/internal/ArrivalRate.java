package io.hearth.pool.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/** New-session arrivals at one endpoint over a sliding window: the input of predictive sizing. */
public final class ArrivalRate {
    private final Duration window;
    private final ArrayDeque<Instant> arrivals = new ArrayDeque<>();

    public ArrivalRate(Duration window) {
        this.window = window;
    }

    public synchronized void record(Instant at) {
        arrivals.addLast(at);
        trim(at);
    }

    /** Arrivals per second over the window ending at {@code now}. */
    public synchronized double perSecond(Instant now) {
        trim(now);
        return arrivals.size() / (window.toMillis() / 1000.0);
    }

    private void trim(Instant now) {
        Instant horizon = now.minus(window);
        while (!arrivals.isEmpty() && arrivals.peekFirst().isBefore(horizon)) {
            arrivals.removeFirst();
        }
        // Bound memory whatever the rate: beyond this many, the oldest say nothing the newest do not.
        while (arrivals.size() > 100_000) {
            arrivals.removeFirst();
        }
    }
}
