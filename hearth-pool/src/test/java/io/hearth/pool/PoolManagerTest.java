package io.hearth.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.deployment.Deployment;
import io.hearth.deployment.HearthTags;
import io.hearth.deployment.ServerProtocol;
import io.hearth.deployment.DeploymentListener;
import io.hearth.deployment.Deployments;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxDrivers;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.launcher.WarmSandbox;
import io.hearth.store.Store;
import io.hearth.store.StoredRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool manager against real sandboxes (the process driver running the Python example agent), a real store,
 * and a clock the test moves by hand.
 */
class PoolManagerTest {
    private static final Path AGENT = Path.of(System.getProperty("hearth.home", "..")).toAbsolutePath().normalize()
            .resolve("examples/python-counter");

    private Path data;
    private SandboxDriver driver;
    private HttpClient agentClient;
    private SandboxLauncher launcher;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T08:54:00Z")); // a Monday
    private final FakeDeployments deployments = new FakeDeployments();
    private Store store;
    private PoolManager pools;

    @BeforeEach
    void start() throws Exception {
        data = Files.createTempDirectory("hearth-pool-");
        driver = SandboxDrivers.open("process", data.resolve("sandboxes"));
        agentClient = new HttpClient();
        agentClient.start();
        launcher = new SandboxLauncher(d -> driver, agentClient, Duration.ofSeconds(30), data.resolve("logs"), Map.of(),
                new SimpleMeterRegistry());
        store = Store.open(data);
        store.transaction(tx -> tx.insertRuntime(new StoredRuntime(0, "agent-0123456789", "agent",
                deployments.current.runtimeArn(), "READY", Optional.empty(), 1, Map.of(), clock.instant(), clock.instant())));
        pools = new PoolManager(launcher, deployments, store, clock, 16, new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() throws Exception {
        pools.close();
        driver.close();
        store.close();
        agentClient.stop();
        try (var paths = Files.walk(data)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aScheduleFiresOnTheClockAndItsSandboxesAreReleasedWhenItsWindowCloses() {
        var key = new PoolKey("agent-0123456789", "DEFAULT");
        pools.configure(key, new PoolConfig(0, 1, 3600, false, List.of(new PoolSchedule("55 8 * * MON-FRI", 2, 600))));
        assertThat(status(key).desired()).isZero();

        clock.set(Instant.parse("2026-11-23T08:55:00Z"));
        awaitReady(key, 2);
        assertThat(status(key).reason()).contains("55 8 * * MON-FRI");

        clock.set(Instant.parse("2026-11-23T09:05:00Z"));
        pools.reconcile();
        assertThat(status(key).ready()).isZero();
        assertThat(driverSandboxes()).as("released sandboxes are stopped").isEmpty();
    }

    @Test
    void concurrentClaimsNeverShareASandboxAndHitExactlyWhatIsReady() throws Exception {
        var key = new PoolKey("agent-0123456789", "DEFAULT");
        pools.configure(key, new PoolConfig(3, 3, 3600, false, List.of()));
        awaitReady(key, 3);

        int claimers = 8;
        var claimed = new ConcurrentLinkedQueue<WarmSandbox>();
        var go = new CountDownLatch(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < claimers; i++) {
                threads.submit(() -> {
                    go.await();
                    pools.claim(deployments.current).ifPresent(claimed::add);
                    return null;
                });
            }
            go.countDown();
        }
        assertThat(claimed).hasSize(3);
        assertThat(claimed.stream().map(w -> w.sandbox().id()).distinct()).hasSize(3);
        assertThat(status(key).hits()).isEqualTo(3);
        assertThat(status(key).misses()).isEqualTo(5);

        awaitReady(key, 3); // refilled
        claimed.forEach(w -> w.sandbox().stop());
    }

    @Test
    void aNewVersionDrainsTheOldOnesAndClaimsNeverGetTheWrongVersion() {
        var key = new PoolKey("agent-0123456789", "DEFAULT");
        pools.configure(key, new PoolConfig(2, 2, 3600, false, List.of()));
        awaitReady(key, 2);

        deployments.current = deployments.version("2");
        assertThat(pools.claim(deployments.current)).as("a session of version 2 never gets a sandbox of version 1").isEmpty();
        awaitReady(key, 2);
        assertThat(status(key).version()).contains("2");
        Optional<WarmSandbox> claimed = pools.claim(deployments.current);
        assertThat(claimed).hasValueSatisfying(w -> assertThat(w.version()).isEqualTo("2"));
        claimed.get().sandbox().stop();
    }

    @Test
    void configurationSurvivesARestart() {
        var key = new PoolKey("agent-0123456789", "DEFAULT");
        var config = new PoolConfig(1, 4, 900, true, List.of(new PoolSchedule("0 9 * * *", 3, 60)));
        pools.configure(key, config);
        pools.close();

        pools = new PoolManager(launcher, deployments, store, clock, 16, new SimpleMeterRegistry());
        pools.reconcile();
        assertThat(status(key).config()).isEqualTo(config);
        assertThat(status(key).source()).isEqualTo("api");
    }

    private PoolStatus status(PoolKey key) {
        return pools.status(key).orElseThrow();
    }

    private void awaitReady(PoolKey key, int ready) {
        await(() -> {
            pools.reconcile();
            return status(key).ready() == ready && status(key).starting() == 0;
        }, "pool " + key + " to hold " + ready + " ready sandboxes, has " + pools.status(key));
    }

    private List<Path> driverSandboxes() {
        await(() -> listing(data.resolve("sandboxes/process")).isEmpty(), "stopped sandboxes to be removed");
        return listing(data.resolve("sandboxes/process"));
    }

    private static List<Path> listing(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** One runtime whose DEFAULT endpoint serves whatever version the test sets. */
    private static final class FakeDeployments implements Deployments {
        volatile Deployment current = version("1");

        Deployment version(String version) {
            return new Deployment("agent-0123456789", "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/agent-0123456789",
                    "agent", "DEFAULT", version, AGENT, List.of("/usr/bin/python3", "agent.py"), Map.of("VERSION", version),
                    Duration.ofMinutes(15), Duration.ofHours(8), Set.of(), ServerProtocol.HTTP, false, HearthTags.parse(Map.of()));
        }

        @Override
        public Deployment resolve(String runtimeId, String qualifier) {
            return current;
        }

        @Override
        public List<Deployment> serving() {
            return new ArrayList<>(List.of(current));
        }

        @Override
        public void addListener(DeploymentListener listener) {}
    }
}
