package io.hearth.control.internal;

import static io.hearth.control.internal.ControlPlaneRig.endpointBody;
import static io.hearth.control.internal.ControlPlaneRig.runtimeBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.Workers;
import io.hearth.deployment.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The data plane's cache of deployments never outlives a write: once UpdateAgentRuntime or
 * UpdateAgentRuntimeEndpoint has answered, every lookup answers the new version, even when a lookup that read the
 * old one was still on its way to the cache.
 */
class DeploymentCacheTest {

    @Test
    void aLookupThatReadBeforeAnEndpointMovedDoesNotCacheTheOldVersion() throws Exception {
        try (var rig = new ControlPlaneRig(Runnable::run)) {
            String id = twoReadyVersions(rig, "moving");
            rig.endpoints().create(id, endpointBody("prod", 1));

            Future<Deployment> early = lookupHeldBeforeCaching(rig, id, "prod",
                    () -> rig.endpoints().update(id, "prod", endpointBody(null, 2)));

            assertThat(early.get(10, TimeUnit.SECONDS).version()).as("what the early lookup read").isEqualTo("1");
            assertThat(versionOf(rig.directory().cached(id, "prod"))).isIn(Optional.empty(), Optional.of("2"));
            assertThat(rig.directory().resolve(id, "prod").version()).isEqualTo("2");
            assertThat(versionOf(rig.directory().cached(id, "prod"))).contains("2");
        }
    }

    @Test
    void aLookupThatReadBeforeAnUpdateDoesNotCacheTheOldVersion() throws Exception {
        try (var rig = new ControlPlaneRig(Runnable::run)) {
            String id = rig.create("updated", "one");

            Future<Deployment> early = lookupHeldBeforeCaching(rig, id, "DEFAULT",
                    () -> rig.runtimes().update(id, runtimeBody(null, "two")));

            assertThat(early.get(10, TimeUnit.SECONDS).version()).isEqualTo("1");
            assertThat(versionOf(rig.directory().cached(id, "DEFAULT"))).isIn(Optional.empty(), Optional.of("2"));
            assertThat(rig.directory().resolve(id, "DEFAULT").version()).isEqualTo("2");
            assertThat(rig.directory().resolve(id, "DEFAULT").environment()).containsEntry("STAGE", "two");
        }
    }

    @Test
    void lookupsRacingEndpointMovesSettleOnTheLatestVersion() throws Exception {
        var lookups = Workers.bounded("cache-test-lookup", 3, 0);
        var stop = new AtomicBoolean();
        try (var rig = new ControlPlaneRig(Runnable::run)) {
            String id = twoReadyVersions(rig, "racing");
            rig.endpoints().create(id, endpointBody("prod", 1));
            var running = new ArrayList<Future<?>>();
            for (int i = 0; i < 3; i++) {
                running.add(lookups.submit(() -> {
                    while (!stop.get()) {
                        rig.directory().cached(id, "prod").orElseGet(() -> rig.directory().resolve(id, "prod"));
                        rig.directory().resolve(id, "prod");
                        LockSupport.parkNanos(20_000); // leaves the writer a turn at the store
                    }
                }));
            }
            var stale = new ArrayList<String>();
            int latest = 1;
            for (int write = 0; write < 300; write++) {
                latest = latest == 1 ? 2 : 1;
                rig.endpoints().update(id, "prod", endpointBody(null, latest));
                Optional<String> cached = versionOf(rig.directory().cached(id, "prod"));
                String resolved = rig.directory().resolve(id, "prod").version();
                if (!cached.orElse(Integer.toString(latest)).equals(Integer.toString(latest))
                        || !resolved.equals(Integer.toString(latest))) {
                    stale.add("write " + write + " moved prod to " + latest + ": cached " + cached + ", resolved " + resolved);
                }
            }
            stop.set(true);
            for (Future<?> lookup : running) {
                lookup.get(10, TimeUnit.SECONDS);
            }
            assertThat(stale).as("lookups after a write that answered an older version").isEmpty();
            for (int i = 0; i < 100; i++) {
                assertThat(rig.directory().resolve(id, "prod").version()).isEqualTo(Integer.toString(latest));
                assertThat(versionOf(rig.directory().cached(id, "prod"))).contains(Integer.toString(latest));
            }
        } finally {
            stop.set(true);
            lookups.close(Duration.ofSeconds(5));
        }
    }

    /** A runtime whose versions 1 (STAGE=one) and 2 (STAGE=two) are both READY; DEFAULT serves 2. */
    private static String twoReadyVersions(ControlPlaneRig rig, String name) {
        String id = rig.create(name, "one");
        rig.runtimes().update(id, runtimeBody(null, "two"));
        assertThat(rig.runtimeStatus(id)).isEqualTo(Status.READY);
        return id;
    }

    /**
     * Starts a lookup, holds it after it read the store and before it caches what it read, runs {@code write}
     * meanwhile, then lets the lookup finish.
     */
    private static Future<Deployment> lookupHeldBeforeCaching(ControlPlaneRig rig, String id, String endpoint,
            Runnable write) throws InterruptedException {
        var read = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        rig.directory().beforeCaching = () -> {
            read.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        var lookups = Workers.bounded("cache-test-early-lookup", 1, 0);
        try {
            Future<Deployment> early = lookups.submit(() -> rig.directory().resolve(id, endpoint));
            assertThat(read.await(10, TimeUnit.SECONDS)).as("the lookup read the store").isTrue();
            rig.directory().beforeCaching = () -> {};
            write.run();
            release.countDown();
            early.get(10, TimeUnit.SECONDS);
            return early;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the held lookup failed", e);
        } finally {
            release.countDown();
            lookups.close(Duration.ofSeconds(5));
        }
    }

    private static Optional<String> versionOf(Optional<Deployment> deployment) {
        return deployment.map(Deployment::version);
    }
}
