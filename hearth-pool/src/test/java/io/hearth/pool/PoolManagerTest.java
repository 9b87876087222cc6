package io.hearth.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    /** The driver the launcher sees: the real one, or a test's wrapper around it. */
    private volatile SandboxDriver front;
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
        front = driver;
        launcher = new SandboxLauncher(d -> front, agentClient, Duration.ofSeconds(30), data.resolve("logs"), Map.of(),
                new SimpleMeterRegistry());
        store = Store.open(data);
        store.transaction(tx -> tx.insertRuntime(new StoredRuntime(0, "agent-0123456789", "000000000000", "agent",
                deployments.current.runtimeArn(), "READY", Optional.empty(), 1, Map.of(), clock.instant(), clock.instant())));
        pools = new PoolManager(launcher, deployments, store, clock, 16, new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() throws Exception {
        pools.close();
        AgentProcesses.kill(AgentProcesses.withEnvironment(deployments.marker)); // a failed test's leftovers only
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

    @Test
    void closeWhileSlowAgentsStartStopsEveryOneOfThemAndReturnsPromptly() throws Exception {
        deployments.agent = slowAgent();
        deployments.current = deployments.version("1");
        var key = new PoolKey("agent-0123456789", "DEFAULT");
        pools.configure(key, new PoolConfig(4, 4, 3600, false, List.of()));
        await(() -> AgentProcesses.withEnvironment(deployments.marker).size() >= 4, "four slow agents to run");
        assertThat(status(key).starting()).isEqualTo(4);

        long started = System.nanoTime();
        pools.close(Duration.ofSeconds(3));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("close is bounded").isLessThan(Duration.ofSeconds(6));
        Thread.sleep(500);
        assertThat(AgentProcesses.withEnvironment(deployments.marker)).as("no agent outlives close").isEmpty();
    }

    @Test
    void aLaunchThatBecomesReadyWhileThePoolClosesIsStoppedNotPooled() throws Exception {
        // The launcher asks the driver its name once when the agent answers /ping and once more to build the warm
        // sandbox; holding that second call lets close() run between "ready" and "hand over to the pool".
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var calls = new java.util.concurrent.atomic.AtomicInteger();
        front = new DelegatingDriver(driver) {
            @Override
            public String name() {
                if (calls.incrementAndGet() == 2) {
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.name();
            }
        };
        var key = new PoolKey("agent-0123456789", "DEFAULT");
        pools.configure(key, new PoolConfig(1, 1, 3600, false, List.of()));
        assertThat(holding.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the agent became ready").isTrue();
        assertThat(AgentProcesses.withEnvironment(deployments.marker)).hasSize(1);

        Thread closing = Thread.ofVirtual().start(() -> pools.close(Duration.ofSeconds(5)));
        Thread.sleep(300); // close() is under way: the pool is drained and refuses new sandboxes
        release.countDown();
        closing.join(Duration.ofSeconds(10));
        assertThat(closing.isAlive()).as("close returned").isFalse();
        await(() -> AgentProcesses.withEnvironment(deployments.marker).isEmpty(),
                "the late sandbox to be stopped, not pooled");
        assertThat(pools.status(key).map(PoolStatus::ready).orElse(0)).isZero();
    }

    @Test
    void aPreWarmWindowAddsToATagPoolAndLeavesItsConfigurationAlone() {
        deployments.tags = Map.of(HearthTags.POOL_MIN_IDLE, "1", HearthTags.POOL_PREDICTIVE, "false");
        deployments.current = deployments.version("1");
        var key = new PoolKey("agent-0123456789", "DEFAULT");
        awaitReady(key, 1);
        assertThat(status(key).source()).isEqualTo("tags");

        PoolStatus warming = pools.warm(key, 2, Duration.ofMinutes(10));
        assertThat(warming.source()).as("a window is no configuration").isEqualTo("tags");
        assertThat(warming.config().minIdle()).isEqualTo(1);
        awaitReady(key, 2);
        assertThat(status(key).reason()).contains("pre-warm of 2");

        clock.set(clock.instant().plus(Duration.ofMinutes(11)));
        awaitReady(key, 1);
        assertThat(status(key).source()).as("the tags apply again, as they did").isEqualTo("tags");
        assertThat(status(key).reason()).isEqualTo("minIdle 1");
    }

    @Test
    void aPreWarmWindowOnAnEndpointWithoutAPoolVanishesWhenItCloses() {
        var key = new PoolKey("agent-0123456789", "DEFAULT");
        pools.warm(key, 1, Duration.ofMinutes(1));
        awaitReady(key, 1);
        assertThat(status(key).source()).isEqualTo("pre-warm");

        clock.set(clock.instant().plus(Duration.ofMinutes(2)));
        pools.reconcile();
        assertThat(pools.status(key)).as("no pool is left behind").isEmpty();
        assertThat(driverSandboxes()).isEmpty();
    }

    @Test
    void outOfRangePreWarmsAreRefusedWithAMessageNamingTheValue() {
        var key = new PoolKey("agent-0123456789", "DEFAULT");
        assertThatThrownBy(() -> pools.warm(key, 0, Duration.ofMinutes(1)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("count: 0 (expected: 1 to 10000)");
        assertThatThrownBy(() -> pools.warm(key, 1, Duration.ofDays(2)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("forSeconds: 172800 (expected:");
        assertThat(pools.status(key)).isEmpty();
    }

    /** An agent that never answers /ping: it sleeps, as one with a slow start-up would. */
    private Path slowAgent() throws java.io.IOException {
        Path dir = Files.createDirectories(data.resolve("slow-agent"));
        Files.writeString(dir.resolve("agent.py"), "import time\ntime.sleep(300)\n");
        return dir;
    }

    /** A driver that does what the real one does, for tests that intercept one call. */
    private static class DelegatingDriver implements SandboxDriver {
        private final SandboxDriver real;

        DelegatingDriver(SandboxDriver real) {
            this.real = real;
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public String isolationSummary() {
            return real.isolationSummary();
        }

        @Override
        public io.hearth.sandbox.Sandbox start(io.hearth.sandbox.SandboxSpec spec) {
            return real.start(spec);
        }

        @Override
        public io.hearth.sandbox.ReclaimReport reclaimLeftovers() {
            return real.reclaimLeftovers();
        }

        @Override
        public void close() {
            real.close();
        }
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
        /** In every agent's environment, so the test finds the processes it started and nothing else. */
        final String marker = "HEARTH_POOL_TEST=" + java.util.UUID.randomUUID();
        volatile Path agent = AGENT;
        volatile Map<String, String> tags = Map.of();
        volatile Deployment current = version("1");

        Deployment version(String version) {
            String[] mark = marker.split("=", 2);
            return new Deployment("agent-0123456789", "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/agent-0123456789",
                    "agent", "DEFAULT", version, agent, List.of("/usr/bin/python3", "agent.py"),
                    Map.of("VERSION", version, mark[0], mark[1]), Duration.ofMinutes(15), Duration.ofHours(8), Set.of(),
                    ServerProtocol.HTTP, false, HearthTags.parse(tags));
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
