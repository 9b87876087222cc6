package io.hearth.sdk.internal;

import io.hearth.sdk.PingStatus;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What {@code /ping} answers: {@code HealthyBusy} while any registered task runs (or what the agent's own status
 * supplier says), and the second the status last changed. As in the official TypeScript SDK, that time is taken when
 * a ping first sees a status different from the one it saw before (the very first ping included).
 */
public final class Health {
    /** A task in progress, as {@code AgentApp.addAsyncTask} registered it. */
    public record Task(String name, long startedMillis) {}

    private final Clock clock;
    private final Map<Long, Task> tasks = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Optional<Supplier<PingStatus>> custom = Optional.empty();
    private PingStatus lastKnown;
    private long lastChangeMillis;

    public Health(Clock clock) {
        this.clock = clock;
        this.lastChangeMillis = clock.millis();
    }

    public long addTask(String name) {
        long id = ids.incrementAndGet();
        tasks.put(id, new Task(name, clock.millis()));
        return id;
    }

    public boolean completeTask(long id) {
        return tasks.remove(id) != null;
    }

    public Map<Long, Task> tasks() {
        return Map.copyOf(tasks);
    }

    public void statusSupplier(Supplier<PingStatus> supplier) {
        custom = Optional.of(supplier);
    }

    /** The status now, and the unix second it last changed. */
    public record Ping(PingStatus status, long timeOfLastUpdate) {}

    public Ping ping() {
        PingStatus status = current();
        lock.lock();
        try {
            if (status != lastKnown) {
                lastKnown = status;
                lastChangeMillis = clock.millis();
            }
            return new Ping(status, lastChangeMillis / 1000);
        } finally {
            lock.unlock();
        }
    }

    private PingStatus current() {
        if (!tasks.isEmpty()) {
            return PingStatus.HEALTHY_BUSY;
        }
        var supplier = custom;
        if (supplier.isPresent()) {
            try {
                PingStatus status = supplier.get().get();
                return status != null ? status : PingStatus.HEALTHY;
            } catch (RuntimeException e) {
                // A broken status supplier must not make a healthy agent look dead: fall back to the task count.
                return PingStatus.HEALTHY;
            }
        }
        return PingStatus.HEALTHY;
    }
}
