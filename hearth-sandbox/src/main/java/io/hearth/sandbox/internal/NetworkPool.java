package io.hearth.sandbox.internal;

import io.hearth.api.Workers;
import io.hearth.sandbox.NetworkMode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few network namespaces made ahead, per mode, so that a start does not wait for {@code ip} (two processes,
 * 15–60 ms here depending on load). Each is used once: runsc takes the veth's address away, and a fresh namespace
 * is as cheap as cleaning one. Prepared slots stay locked by this process, so reclaim never mistakes them for a dead
 * run's.
 */
final class NetworkPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkPool.class);
    /** At most one filler per mode and pool runs at a time (see {@code filling}); the queue takes other pools' turns. */
    private static final Workers FILLER = Workers.bounded("hearth-network-filler", NetworkMode.values().length, 64);

    record Prepared(NetworkSlots.Lease lease, SandboxNetwork network) {}

    private final int size;
    private final Map<NetworkMode, ConcurrentLinkedQueue<Prepared>> ready = new EnumMap<>(NetworkMode.class);
    private final Map<NetworkMode, AtomicBoolean> filling = new EnumMap<>(NetworkMode.class);
    private volatile boolean closed;

    NetworkPool(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: zero or more)");
        }
        this.size = size;
        for (NetworkMode mode : NetworkMode.values()) {
            ready.put(mode, new ConcurrentLinkedQueue<>());
            filling.put(mode, new AtomicBoolean());
        }
    }

    /** Starts filling in the background, so the first sandboxes find their networks made. */
    void warm() {
        for (NetworkMode mode : NetworkMode.values()) {
            refill(mode);
        }
    }

    /** A prepared network of {@code mode}, or one made now when none is ready; the caller owns its lease. */
    Prepared take(NetworkMode mode) {
        Prepared prepared = ready.get(mode).poll();
        refill(mode);
        return prepared != null ? prepared : prepare(mode);
    }

    private static Prepared prepare(NetworkMode mode) {
        NetworkSlots.Lease lease = NetworkSlots.lease();
        try {
            return new Prepared(lease, SandboxNetwork.create(lease.slot(), mode));
        } catch (RuntimeException e) {
            lease.release();
            throw e;
        }
    }

    private void refill(NetworkMode mode) {
        if (size == 0 || closed || !filling.get(mode).compareAndSet(false, true)) {
            return;
        }
        try {
            FILLER.execute(() -> fill(mode));
        } catch (RejectedExecutionException e) {
            filling.get(mode).set(false);
            LOG.warn("cannot prepare a {} sandbox network ahead ({}); sandboxes will make their own", mode, e.getMessage());
        }
    }

    private void fill(NetworkMode mode) {
        try {
            while (!closed && ready.get(mode).size() < size) {
                ready.get(mode).add(prepare(mode));
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot prepare a {} sandbox network ahead; sandboxes will make their own", mode, e);
        } finally {
            filling.get(mode).set(false);
        }
        if (closed) {
            drain();
        }
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        for (var queue : ready.values()) {
            for (Prepared prepared; (prepared = queue.poll()) != null; ) {
                SandboxNetwork.destroy(prepared.lease().slot());
                prepared.lease().release();
            }
        }
    }
}
