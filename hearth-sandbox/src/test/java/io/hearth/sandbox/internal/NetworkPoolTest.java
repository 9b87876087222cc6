package io.hearth.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.hearth.sandbox.MetadataRoute;
import io.hearth.sandbox.NetworkMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks prepared ahead carry the metadata route of the last start, so a start forks no nft; a start that wants
 * another route, or none, never gets the prepared one's, and nothing prepared outlives the pool.
 */
class NetworkPoolTest {
    private static final MetadataRoute ROUTE = new MetadataRoute(40_001);
    private static final MetadataRoute OTHER = new MetadataRoute(40_002);

    @BeforeAll
    static void host() {
        assumeThat(ProcessHandle.current().info().user().orElse("")).as("networks need root").isEqualTo("root");
        EgressFirewall.install();
    }

    @Test
    void aPreparedNetworkComesMappedToTheRouteStartsAskFor() throws Exception {
        var taken = new ArrayList<NetworkPool.Prepared>();
        var pool = new NetworkPool(1);
        try {
            taken.add(pool.take(NetworkMode.PUBLIC, Optional.of(ROUTE)));
            NetworkPool.Prepared next = awaitPrepared(pool, NetworkMode.PUBLIC, Optional.of(ROUTE));
            taken.add(next);
            assertThat(next.route()).contains(ROUTE);
            assertThat(mappedPort(next.network().hostInterface())).as("mapped before the start asked").contains(ROUTE.port());

            // Another route replaces the prepared entry; no route removes it, so such a sandbox reaches no listener.
            awaitReady(pool, NetworkMode.PUBLIC);
            NetworkPool.Prepared other = pool.take(NetworkMode.PUBLIC, Optional.of(OTHER));
            taken.add(other);
            assertThat(other.route()).contains(OTHER);
            assertThat(mappedPort(other.network().hostInterface())).contains(OTHER.port());
            awaitReady(pool, NetworkMode.PUBLIC);
            NetworkPool.Prepared none = pool.take(NetworkMode.PUBLIC, Optional.empty());
            taken.add(none);
            assertThat(none.route()).isEmpty();
            assertThat(mappedPort(none.network().hostInterface())).as("no route for a sandbox without one").isEmpty();
        } finally {
            for (NetworkPool.Prepared prepared : taken) {
                MetadataNat.unmap(prepared.network().hostInterface());
                SandboxNetwork.destroy(prepared.lease().slot());
                prepared.lease().release();
            }
            pool.close();
        }
    }

    @Test
    void aStartTakesAReadyNetworkMappedAsItAsksWhenThereIsOne() throws Exception {
        var taken = new ArrayList<NetworkPool.Prepared>();
        var pool = new NetworkPool(2);
        try {
            taken.add(pool.take(NetworkMode.PUBLIC, Optional.of(ROUTE)));
            awaitCount(pool, NetworkMode.PUBLIC, 2); // both mapped to ROUTE
            taken.add(pool.take(NetworkMode.PUBLIC, Optional.empty())); // unmaps one; the refill makes one without
            awaitCount(pool, NetworkMode.PUBLIC, 2);
            int withRoute = -1;
            int without = -1;
            for (int slot : pool.preparedSlots()) {
                if (mappedPort(SandboxNetwork.HOST_PREFIX + "p" + slot).isPresent()) {
                    withRoute = slot;
                } else {
                    without = slot;
                }
            }
            assertThat(withRoute).as("a ready network with the route").isNotNegative();
            assertThat(without).as("a ready network without").isNotNegative();
            NetworkPool.Prepared first = pool.take(NetworkMode.PUBLIC, Optional.empty());
            taken.add(first);
            assertThat(first.lease().slot()).as("the one without a route, left as it is").isEqualTo(without);
            NetworkPool.Prepared second = pool.take(NetworkMode.PUBLIC, Optional.of(ROUTE));
            taken.add(second);
            assertThat(second.lease().slot()).as("the one with the route").isEqualTo(withRoute);
        } finally {
            for (NetworkPool.Prepared prepared : taken) {
                MetadataNat.unmap(prepared.network().hostInterface());
                SandboxNetwork.destroy(prepared.lease().slot());
                prepared.lease().release();
            }
            pool.close();
        }
    }

    @Test
    void theHostsRouteToASandboxAcknowledgesAtOnce() {
        var pool = new NetworkPool(0);
        NetworkPool.Prepared taken = pool.take(NetworkMode.NONE, Optional.empty());
        try {
            SandboxNetwork network = taken.network();
            // Without it, an agent that sends a response's head and body apart, without TCP_NODELAY, waits on the
            // host's delayed ACK before its body may go: 40 ms on every call of a kept-alive connection.
            assertThat(HostCommand.run("ip", "route", "show", network.subnet()).output())
                    .as("the host's one route to the sandbox's /30")
                    .isEqualTo(network.subnet() + " dev " + network.hostInterface()
                            + " scope link src " + network.hostAddress().getHostAddress() + " quickack 1");
        } finally {
            SandboxNetwork.destroy(taken.lease().slot());
            taken.lease().release();
            pool.close();
        }
    }

    @Test
    void closingThePoolRemovesWhatItPrepared() throws Exception {
        var pool = new NetworkPool(2);
        NetworkPool.Prepared first = pool.take(NetworkMode.NONE, Optional.of(ROUTE));
        List<Integer> prepared;
        try {
            awaitReady(pool, NetworkMode.NONE);
            prepared = pool.preparedSlots();
            assertThat(prepared).isNotEmpty();
            assertThat(SandboxNetwork.slotsInUseOnHost()).containsAll(prepared);
            for (int slot : prepared) {
                assertThat(mappedPort("hearthn" + slot)).as("prepared with the route").contains(ROUTE.port());
            }
        } finally {
            MetadataNat.unmap(first.network().hostInterface());
            SandboxNetwork.destroy(first.lease().slot());
            first.lease().release();
        }
        pool.close();
        for (int slot : SandboxNetwork.slotsInUseOnHost()) {
            assertThat(prepared).as("prepared slot still on the host after close").doesNotContain(slot);
        }
        for (String line : HostCommand.run("nft", "list", "map", "ip", MetadataNat.TABLE, "targets").output().lines().toList()) {
            for (int slot : prepared) {
                assertThat(line).as("metadata route of prepared slot " + slot + " after close")
                        .doesNotContain("\"hearthn" + slot + "\"");
            }
        }
    }

    @Test
    void reclaimRemovesTheRoutesOfSlotsNoProcessHolds(@TempDir Path stateRoot) {
        // What a killed server leaves: a route for a slot whose lock died with it (here: released without unmapping).
        NetworkSlots.Lease dead = NetworkSlots.lease();
        String deadInterface = SandboxNetwork.HOST_PREFIX + "p" + dead.slot();
        MetadataNat.map(deadInterface, ROUTE);
        dead.release();
        NetworkSlots.Lease live = NetworkSlots.lease();
        String liveInterface = SandboxNetwork.HOST_PREFIX + "p" + live.slot();
        MetadataNat.map(liveInterface, ROUTE);
        try (var driver = new NamespacesDriver(stateRoot, Duration.ofSeconds(2))) {
            driver.reclaimLeftovers();
            assertThat(mappedPort(deadInterface)).as("the dead slot's route").isEmpty();
            assertThat(mappedPort(liveInterface)).as("a held slot's route").contains(ROUTE.port());
        } finally {
            MetadataNat.unmap(deadInterface);
            MetadataNat.unmap(liveInterface);
            live.release();
        }
    }

    /** Takes from the pool once it has a prepared network mapped to {@code route}. */
    private static NetworkPool.Prepared awaitPrepared(NetworkPool pool, NetworkMode mode, Optional<MetadataRoute> route)
            throws InterruptedException {
        awaitReady(pool, mode);
        NetworkPool.Prepared prepared = pool.take(mode, route);
        assertThat(Path.of("/sys/class/net", prepared.network().hostInterface())).as("its host interface").exists();
        return prepared;
    }

    private static void awaitReady(NetworkPool pool, NetworkMode mode) throws InterruptedException {
        awaitCount(pool, mode, 1);
    }

    private static void awaitCount(NetworkPool pool, NetworkMode mode, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (pool.readyCount(mode) < count) {
            assertThat(System.nanoTime()).as("%d prepared %s networks within 20 s", count, mode).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** The listener port the host interface's metadata traffic goes to, if it has an entry. */
    private static Optional<Integer> mappedPort(String hostInterface) {
        for (String line : HostCommand.run("nft", "list", "map", "ip", MetadataNat.TABLE, "targets").output().lines().toList()) {
            var m = java.util.regex.Pattern.compile("\"" + hostInterface + "\" : [0-9.]+ \\. (\\d+)").matcher(line);
            if (m.find()) {
                return Optional.of(Integer.parseInt(m.group(1)));
            }
        }
        return Optional.empty();
    }
}
