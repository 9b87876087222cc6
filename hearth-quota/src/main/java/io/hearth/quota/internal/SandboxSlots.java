package io.hearth.quota.internal;

import io.hearth.quota.Lease;
import io.hearth.quota.QuotaKind;
import io.hearth.quota.QuotaRefusal;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Live sandboxes on this node: a count under an explicit cap, or, without one, the sum of their memory limits under
 * a budget derived from the host's memory. Never waits.
 */
public final class SandboxSlots {
    private final OptionalInt maxCount;
    private final long memoryBudget;
    private final String budgetOrigin;
    private int live;
    private long committed;

    /**
     * @param maxCount     the explicit cap; when present the memory budget is not applied
     * @param memoryBudget the most memory the live sandboxes' limits may add up to
     * @param budgetOrigin how the budget was derived, for refusals
     */
    public SandboxSlots(OptionalInt maxCount, long memoryBudget, String budgetOrigin) {
        this.maxCount = maxCount;
        this.memoryBudget = memoryBudget;
        this.budgetOrigin = budgetOrigin;
    }

    /** Refuses, without reserving, when a sandbox of that size would not fit now. */
    public synchronized void check(long memoryBytes) {
        refusal(memoryBytes).ifPresent(r -> {
            throw r;
        });
    }

    /** Takes a slot for a sandbox with that memory limit; the lease gives it back once, however often closed. */
    public Lease acquire(long memoryBytes) {
        synchronized (this) {
            var refused = refusal(memoryBytes);
            if (refused.isPresent()) {
                throw refused.get();
            }
            live++;
            committed += memoryBytes;
        }
        var released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(memoryBytes);
            }
        };
    }

    public synchronized int live() {
        return live;
    }

    public synchronized long committedBytes() {
        return committed;
    }

    public OptionalInt maxCount() {
        return maxCount;
    }

    public long memoryBudget() {
        return memoryBudget;
    }

    private synchronized void release(long memoryBytes) {
        live--;
        committed -= memoryBytes;
    }

    private java.util.Optional<QuotaRefusal> refusal(long memoryBytes) {
        if (maxCount.isPresent()) {
            if (live >= maxCount.getAsInt()) {
                return java.util.Optional.of(new QuotaRefusal.Exceeded(QuotaKind.LIVE_SANDBOXES,
                        "maxVms limit exceeded: this node runs " + live + " of at most " + maxCount.getAsInt()
                                + " live sandboxes (--max-sandboxes); retry once a session ends"));
            }
            return java.util.Optional.empty();
        }
        if (live > 0 && committed + memoryBytes > memoryBudget) {
            return java.util.Optional.of(new QuotaRefusal.Exceeded(QuotaKind.LIVE_SANDBOXES,
                    "maxVms limit exceeded: this node's " + live + " live sandboxes hold " + mib(committed)
                            + " MiB of memory limits, and another of " + mib(memoryBytes) + " MiB would pass the budget of "
                            + mib(memoryBudget) + " MiB (" + budgetOrigin + "; raise it with --memory-overcommit or "
                            + "--memory-reserve-mib, or set --max-sandboxes); retry once a session ends"));
        }
        return java.util.Optional.empty();
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
