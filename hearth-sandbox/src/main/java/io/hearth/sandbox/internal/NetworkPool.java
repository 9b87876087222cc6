package io.hearth.sandbox.internal;

import io.hearth.api.Workers;
import io.hearth.sandbox.MetadataRoute;
import io.hearth.sandbox.NetworkMode;
import io.hearth.sandbox.SandboxException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few network namespaces made ahead, per mode, so that a start does not wait for {@code ip} (two processes,
 * 15–60 ms here depending on load). Each is used once: runsc takes the veth's address away, and a fresh namespace
 * is as cheap as cleaning one. Prepared slots stay locked by this process, so reclaim never mistakes them for a dead
 * run's.
 *
 * <p>A slot is also prepared with the metadata route the last sandbox of its mode asked for (one listener per server:
 * the route of every runtime with an execution role, or none), which saves such a start an {@code nft} process. A
 * start takes a slot mapped as it asks when one is ready; otherwise the slot's entry is replaced or removed before the
 * start gets it.
 */
final class NetworkPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkPool.class);
    /** At most one filler per mode and pool runs at a time (see {@code filling}); the queue takes other pools' turns. */
    private static final Workers FILLER = Workers.bounded("hearth-network-filler", NetworkMode.values().length, 64);

    /** A network and its lease, with the metadata route its host interface is mapped to, if any. */
    record Prepared(NetworkSlots.Lease lease, SandboxNetwork network, Optional<MetadataRoute> route) {}

    private final int size;
    private final Map<NetworkMode, ConcurrentLinkedQueue<Prepared>> ready = new EnumMap<>(NetworkMode.class);
    private final Map<NetworkMode, AtomicBoolean> filling = new EnumMap<>(NetworkMode.class);
    /** The route the last start of each mode wanted: what the next prepared slots are mapped to. */
    private final Map<NetworkMode, AtomicReference<Optional<MetadataRoute>>> expected = new EnumMap<>(NetworkMode.class);
    private volatile boolean closed;

    NetworkPool(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: zero or more)");
        }
        this.size = size;
        for (NetworkMode mode : NetworkMode.values()) {
            ready.put(mode, new ConcurrentLinkedQueue<>());
            filling.put(mode, new AtomicBoolean());
            expected.put(mode, new AtomicReference<>(Optional.empty()));
        }
    }

    /** Starts filling in the background, so the first sandboxes find their networks made. */
    void warm() {
        for (NetworkMode mode : NetworkMode.values()) {
            refill(mode);
        }
    }

    /**
     * A network of {@code mode} whose metadata traffic goes to {@code route} (or nowhere), prepared or made now when
     * none is ready; the caller owns its lease and the mapping.
     */
    Prepared take(NetworkMode mode, Optional<MetadataRoute> route) {
        expected.get(mode).set(route);
        Prepared prepared = takeReady(mode, route);
        refill(mode);
        if (prepared == null) {
            return prepare(mode, route);
        }
        if (prepared.route().equals(route)) {
            return prepared;
        }
        try {
            mapTo(prepared.network(), prepared.route(), route);
            return new Prepared(prepared.lease(), prepared.network(), route);
        } catch (RuntimeException e) {
            discard(prepared);
            throw e;
        }
    }

    /** A ready network already mapped as asked if there is one (runtimes with and without a role mix), else any. */
    private Prepared takeReady(NetworkMode mode, Optional<MetadataRoute> route) {
        var queue = ready.get(mode);
        for (Prepared candidate : queue) {
            if (candidate.route().equals(route) && queue.remove(candidate)) {
                return candidate;
            }
        }
        return queue.poll();
    }

    private static Prepared prepare(NetworkMode mode, Optional<MetadataRoute> route) {
        NetworkSlots.Lease lease = NetworkSlots.lease();
        try {
            var network = SandboxNetwork.create(lease.slot(), mode);
            try {
                mapTo(network, Optional.empty(), route);
            } catch (RuntimeException e) {
                SandboxNetwork.destroy(lease.slot());
                throw e;
            }
            return new Prepared(lease, network, route);
        } catch (RuntimeException e) {
            lease.release();
            throw e;
        }
    }

    private static void mapTo(SandboxNetwork network, Optional<MetadataRoute> from, Optional<MetadataRoute> to) {
        if (to.isPresent()) {
            MetadataNat.map(network.hostInterface(), to.get()); // replaces an entry for another route
        } else if (from.isPresent() && !MetadataNat.unmap(network.hostInterface())) {
            throw new SandboxException("cannot remove the metadata route of " + network.hostInterface()
                    + " (expected: nft to delete its entry in table " + MetadataNat.TABLE + ")");
        }
    }

    private static void discard(Prepared prepared) {
        try {
            if (prepared.route().isPresent()) {
                MetadataNat.unmap(prepared.network().hostInterface());
            }
            SandboxNetwork.destroy(prepared.lease().slot());
        } finally {
            prepared.lease().release();
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
                ready.get(mode).add(prepare(mode, expected.get(mode).get()));
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

    int readyCount(NetworkMode mode) {
        return ready.get(mode).size();
    }

    /** The slots of the networks ready now, of every mode. */
    List<Integer> preparedSlots() {
        var slots = new ArrayList<Integer>();
        ready.values().forEach(queue -> queue.forEach(prepared -> slots.add(prepared.lease().slot())));
        return slots;
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        for (var queue : ready.values()) {
            for (Prepared prepared; (prepared = queue.poll()) != null; ) {
                discard(prepared);
            }
        }
    }
}
