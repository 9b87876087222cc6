package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.deployment.HearthTags;
import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Leftovers;
import io.hearth.testing.ServerProcess;
import io.hearth.testing.Signed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SIGTERM is a bounded, clean shutdown: the server exits within its grace and leaves no sandbox behind. */
class ShutdownTest {
    private static final Duration GRACE = Duration.ofSeconds(10);
    /** The JVM's own start and exit around the grace, on a loaded machine. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    Path data;
    Path agent;

    @BeforeEach
    void dirs() throws IOException {
        data = Files.createTempDirectory("hearth-shutdown-");
        // An agent whose start-up takes longer than the test: its sandboxes are all still starting at SIGTERM.
        agent = Files.createTempDirectory("hearth-slow-agent-");
        Files.writeString(agent.resolve("agent.py"), "import time\ntime.sleep(600)\n");
    }

    @AfterEach
    void cleanUp() {
        // A failed test's own leftovers only, so one failure does not leak into the next.
        Leftovers.processesMentioning(data.toString()).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        HearthExtension.deleteTree(data);
        HearthExtension.deleteTree(agent);
    }

    @Test
    void sigtermWhilePoolSandboxesStartExitsWithinTheGraceAndLeavesNothing() throws Exception {
        var server = ServerProcess.start(data, List.of(), "--shutdown-grace", Long.toString(GRACE.toSeconds()),
                "--max-pooled", "64");
        ProcessHandle process = ProcessHandle.of(server.pid()).orElseThrow();
        try {
            new Agents(Clients.of(server.endpoint()), data).deploy(agent.toString(), "PYTHON_3_12", "agent.py", null,
                    Map.of("SHUTDOWN_TEST_DATA", data.toString()), // so Leftovers finds the agents by the data dir
                    Map.of(HearthTags.POOL_MIN_IDLE, "30", HearthTags.POOL_MAX_IDLE, "30",
                            HearthTags.POOL_PREDICTIVE, "false"));
            try {
                await("the pool's sandboxes to be starting").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> sandboxIds().size() >= 25 && agents(server).size() >= 25);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + ": " + sandboxIds().size() + " sandboxes, " + agents(server).size()
                        + " agent processes; pools: " + pools(server), e);
            }
            List<String> sandboxes = sandboxIds();
            List<String> netns = sandboxNetns();

            long signalled = System.nanoTime();
            process.destroy(); // SIGTERM
            boolean exited = process.onExit().completeOnTimeout(null, GRACE.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS)
                    .get() != null || !process.isAlive();
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);
            assertThat(exited).as("the server exited within the grace (took " + took.toMillis() + " ms)").isTrue();
            assertThat(took).isLessThan(GRACE.plus(SLACK));

            Thread.sleep(500); // whatever a killed process's parent reaps
            assertThat(Leftovers.processesMentioning(data.toString())).as("no agent process remains").isEmpty();
            assertThat(cgroupsNamed(sandboxes)).as("no sandbox cgroup remains").isEmpty();
            assertThat(netns.stream().filter(n -> Files.exists(Path.of("/run/netns", n))).toList())
                    .as("no sandbox netns remains").isEmpty();
        } finally {
            server.close();
        }
    }

    private List<Long> agents(ServerProcess server) {
        return Leftovers.processesMentioning(data.toString()).stream().filter(p -> p != server.pid()).toList();
    }

    private static String pools(ServerProcess server) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(Signed.get(
                    server.endpoint().resolve("/hearth/v1/pools")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    /** The sandboxes the server's driver holds state for: one directory each, named by its id. */
    private List<String> sandboxIds() {
        var ids = new ArrayList<String>();
        for (Path driverDir : listingPaths(data.resolve("sandboxes"))) {
            listing(driverDir).stream().filter(n -> n.startsWith("sb-")).forEach(ids::add);
        }
        return ids;
    }

    /** The netns of the isolating drivers' sandboxes, by the network slot each sandbox's record names. */
    private List<String> sandboxNetns() {
        var names = new ArrayList<String>();
        for (Path driverDir : listingPaths(data.resolve("sandboxes"))) {
            if (driverDir.getFileName().toString().equals("process")) {
                continue; // it gives agents the host's network
            }
            for (Path sandbox : listingPaths(driverDir)) {
                Path record = sandbox.resolve("sandbox.properties");
                if (Files.isRegularFile(record)) {
                    var props = new java.util.Properties();
                    try (var in = Files.newInputStream(record)) {
                        props.load(in);
                    } catch (IOException e) {
                        continue; // being written or removed
                    }
                    if (props.getProperty("slot") != null) {
                        names.add("hearth-" + props.getProperty("slot"));
                    }
                }
            }
        }
        return names;
    }

    private static List<Path> cgroupsNamed(List<String> ids) throws IOException {
        Path root = Path.of("/sys/fs/cgroup");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.find(root, 8, (p, a) -> a.isDirectory() && p.getFileName() != null
                && ids.contains(p.getFileName().toString()))) {
            return dirs.toList();
        }
    }

    private static List<String> listing(Path dir) {
        return listingPaths(dir).stream().map(p -> p.getFileName().toString()).toList();
    }

    private static List<Path> listingPaths(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
