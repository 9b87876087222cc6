package io.hearth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * What every isolating driver must do, run against the real driver on this host. Subclasses name the driver and
 * the binary it needs; without that binary the whole class is skipped, never passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IsolatingDriverContract {
    static final Duration READY = Duration.ofSeconds(20);

    Path work;
    Path sandboxes;
    Path stateRoot;
    Path logs;
    Path counterCode;
    Path probeCode;
    SandboxDriver driver;

    abstract String driverName();

    abstract Path requiredBinary();

    @BeforeAll
    void openDriver() throws IOException {
        assumeTrue(Files.isExecutable(requiredBinary()),
                requiredBinary() + " is not installed: run ./hearth setup to test the " + driverName() + " driver");
        work = Files.createTempDirectory("hearth-" + driverName() + "-test");
        sandboxes = work.resolve("data").resolve("sandboxes");
        stateRoot = sandboxes.resolve(driverName());
        // Kept after the run: the agents' own output says what they saw when a test fails.
        logs = Path.of("target", "sandbox-logs", driverName()).toAbsolutePath();
        counterCode = TestAgents.counter(work.resolve("code"));
        probeCode = TestAgents.probe(work.resolve("code"));
        driver = SandboxDrivers.open(driverName(), sandboxes);
        driver.reclaimLeftovers();
    }

    @AfterAll
    void closeDriver() {
        if (neighbour != null) {
            neighbour.stop();
            assertNothingLeft(neighbour);
        }
        if (driver != null) {
            driver.close();
            driver.reclaimLeftovers();
        }
        if (work != null) {
            deleteTree(work);
        }
    }

    /** Started through the class's driver, whose close() stops whatever a failed test left running. */
    Sandbox start(SandboxSpec spec) {
        return driver.start(spec);
    }

    Sandbox startCounter(ResourceLimits limits, NetworkMode network) {
        Sandbox sandbox = start(TestAgents.spec(counterCode, "agent.py", limits, network, logs));
        AgentHttp.awaitReady(sandbox.agentAddress(), READY);
        return sandbox;
    }

    Sandbox startProbe(ResourceLimits limits, NetworkMode network) {
        Sandbox sandbox = start(TestAgents.spec(probeCode, "probe.py", limits, network, logs));
        AgentHttp.awaitReady(sandbox.agentAddress(), READY);
        return sandbox;
    }

    void assertNothingLeft(Sandbox sandbox) {
        assertThat(sandbox.exit()).isDone();
        assertThat(HostLeaks.of(sandbox.id(), HostLeaks.slot(sandbox.agentAddress()), stateRoot))
                .as("what sandbox %s left on the host", sandbox.id())
                .isEmpty();
    }

    @Test
    void startsAnswersAndStopsLeavingNothing() throws Exception {
        var spec = TestAgents.spec(counterCode, "agent.py", TestAgents.limits(1, 256, 64, 16), NetworkMode.PUBLIC, logs);
        long begin = System.nanoTime();
        Sandbox sandbox = start(spec);
        AgentHttp.awaitReady(sandbox.agentAddress(), READY);
        long coldMillis = (System.nanoTime() - begin) / 1_000_000;
        System.out.printf("%s cold start (start() to first 200 from /ping): %d ms%n", driverName(), coldMillis);

        assertThat(sandbox.agentAddress().getPort()).isEqualTo(8080);
        assertThat(sandbox.agentAddress().getAddress().getHostAddress()).startsWith("10.201.");
        assertThat(AgentHttp.invoke(sandbox.agentAddress(), "{}").get("count").asInt()).isEqualTo(1);
        assertThat(AgentHttp.invoke(sandbox.agentAddress(), "{}").get("count").asInt()).isEqualTo(2);
        assertThat(env(sandbox, "PORT")).isEqualTo("8080");
        assertThat(env(sandbox, "HEARTH_WORKSPACE")).isEqualTo("/workspace");
        assertThat(env(sandbox, "GREETING")).isEqualTo("hello from the runtime");
        assertThat(env(sandbox, "JAVA_HOME")).as("the host's environment stays outside").isNull();

        JsonNode written = AgentHttp.invoke(sandbox.agentAddress(), "{\"write\":{\"path\":\"notes/a.txt\",\"content\":\"kept\"}}");
        assertThat(written.get("written").asString()).isEqualTo("notes/a.txt");
        assertThat(AgentHttp.invoke(sandbox.agentAddress(), "{\"read\":\"notes/a.txt\"}").get("content").asString())
                .isEqualTo("kept");
        assertThat(stateRoot.resolve(sandbox.id()).resolve("disk/workspace/notes/a.txt"))
                .as("the workspace lives under the driver's state directory").hasContent("kept");
        assertThat(sandbox.usage()).hasValueSatisfying(u -> assertThat(u.processes()).isPositive());

        List<Long> processes = HostLeaks.processesInCgroupsOf(sandbox.id());
        assertThat(processes).as("the sandbox's processes are in its cgroups").isNotEmpty();
        long stopBegin = System.nanoTime();
        sandbox.stop();
        System.out.printf("%s stop() took %d ms%n", driverName(), (System.nanoTime() - stopBegin) / 1_000_000);
        assertThat(sandbox.exit().get(1, TimeUnit.SECONDS)).isEqualTo(new SandboxExit.Stopped());
        assertThat(processes).as("processes killed by stop()").noneMatch(HostLeaks::isAlive);
        assertThat(AgentHttp.ping(sandbox.agentAddress())).isEqualTo(-1);
        assertNothingLeft(sandbox);
        sandbox.stop(); // idempotent
    }

    private Sandbox neighbour;

    /** A counter agent the other tests' sandboxes try to reach and disturb; it must keep answering. */
    Sandbox neighbour() {
        if (neighbour == null) {
            neighbour = startCounter(TestAgents.limits(1, 256, 64, 16), NetworkMode.PUBLIC);
            AgentHttp.invoke(neighbour.agentAddress(), "{\"write\":{\"path\":\"secret.txt\",\"content\":\"neighbour's\"}}");
        }
        return neighbour;
    }

    void assertNeighbourUndisturbed() {
        Sandbox b = neighbour();
        assertThat(AgentHttp.ping(b.agentAddress())).isEqualTo(200);
        assertThat(AgentHttp.invoke(b.agentAddress(), "{\"read\":\"secret.txt\"}").get("content").asString())
                .isEqualTo("neighbour's");
    }

    /** Whether the agent's own kernel refuses new user namespaces (gVisor's kernel is not the host's, so it may allow them). */
    abstract boolean blocksUserNamespaces();

    @Test
    void cannotReachFilesProcessesOrServicesOutsideItself() throws Exception {
        Sandbox b = neighbour();
        Sandbox a = startProbe(TestAgents.limits(1, 256, 64, 16), NetworkMode.PUBLIC);
        InetSocketAddress hostUplink = hostUplinkAddress();
        try (var loopback = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                var anyAddress = new java.net.ServerSocket(0, 50)) {
            // The listener on every address is reachable from the host itself: only the sandbox boundary stops the probe.
            try (var check = new java.net.Socket()) {
                check.connect(new InetSocketAddress(hostUplink.getAddress(), anyAddress.getLocalPort()), 1000);
            }
            anyAddress.setSoTimeout(1);
            drain(anyAddress);
            List<Long> neighbourPids = HostLeaks.processesInCgroupsOf(b.id());
            Path secret = work.resolve("data").resolve("secret.txt");
            Files.writeString(secret, "host secret");
            String request = AgentHttp.JSON.writeValueAsString(java.util.Map.of(
                    "action", "escape",
                    "read", List.of(
                            stateRoot.resolve(b.id()).resolve("disk/workspace/secret.txt").toString(),
                            stateRoot.toString(), secret.toString(), "/root", "/etc/shadow", "/etc/sudoers",
                            "/proc/1/environ", "/run/netns"),
                    // /app is the agent's own copy-on-write layer, writable by design (SandboxFilesystemContract).
                    "write", List.of("/usr/lib/hearth-probe", "/etc/hearth-probe", "/hearth-probe"),
                    "signal", concat(List.of(ProcessHandle.current().pid()), neighbourPids),
                    "connect", List.of(
                            List.of("127.0.0.1", loopback.getLocalPort()),
                            List.of(hostSideOf(a).getAddress().getHostAddress(), anyAddress.getLocalPort()),
                            List.of(hostUplink.getAddress().getHostAddress(), anyAddress.getLocalPort()),
                            List.of(b.agentAddress().getAddress().getHostAddress(), 8080))));
            JsonNode report = AgentHttp.invoke(a.agentAddress(), request);

            var escapes = new ArrayList<String>();
            for (var entry : report.properties()) {
                JsonNode result = entry.getValue();
                boolean allowed = entry.getKey().equals("unshare user") && !blocksUserNamespaces()
                        || entry.getKey().equals("read /proc/1/environ"); // the sandbox's own init: checked below
                if (result.isObject() && result.has("ok") && result.get("ok").asBoolean() && !allowed) {
                    escapes.add(entry.getKey() + " -> " + result.get("value"));
                }
            }
            assertThat(escapes).as("attempts that succeeded from inside %s: %s", a.id(), report).isEmpty();
            assertThat(report.get("read /etc/shadow").get("ok").asBoolean()).isFalse();
            assertThat(report.get("read /proc/1/environ").toString()).as("what the sandbox's init tells of the host")
                    .doesNotContain(work.toString()).doesNotContain("JAVA_HOME");
            assertThat(report.get("uid").asLong()).as("the agent is not root").isNotZero();
            assertThat(report.get("capEff").asString()).isEqualTo("0000000000000000");
            assertThat(report.get("hostname").asString()).isEqualTo("sandbox");
            assertThat(report.get("pids").size()).as("processes the agent can see: its own few").isLessThan(10);
            var root = new ArrayList<String>();
            report.get("root").forEach(name -> root.add(name.asString()));
            assertThat(root)
                    .as("the agent's root holds no host directories beyond the read-only base")
                    .doesNotContain("root", "home", "var", "srv", "opt", "work", "boot")
                    .contains("app", "workspace", "usr", "etc", "tmp");
            assertThat(drain(anyAddress)).as("connections the host's listener accepted from the sandbox").isZero();
        }
        assertNeighbourUndisturbed();
        a.stop();
        assertNothingLeft(a);
    }

    @Test
    void publicReachesTheInternetButNoPrivateRangeAndNoneReachesNothing() throws Exception {
        try (var outside = ExternalTestHost.start()) {
            assertThat(outside.reachableFromHost(ExternalTestHost.PRIVATE_IP)).isTrue();
            Sandbox open = startProbe(TestAgents.limits(1, 256, 64, 16), NetworkMode.PUBLIC);
            Sandbox closed = startProbe(TestAgents.limits(1, 256, 64, 16), NetworkMode.NONE);
            String request = "{\"action\":\"escape\",\"connect\":[[\"" + ExternalTestHost.PUBLIC_IP + "\","
                    + ExternalTestHost.PORT + "],[\"" + ExternalTestHost.PRIVATE_IP + "\"," + ExternalTestHost.PORT + "]]}";
            String publicTarget = "connect " + ExternalTestHost.PUBLIC_IP + ":" + ExternalTestHost.PORT;
            String privateTarget = "connect " + ExternalTestHost.PRIVATE_IP + ":" + ExternalTestHost.PORT;

            JsonNode fromPublic = AgentHttp.invoke(open.agentAddress(), request);
            assertThat(fromPublic.get(publicTarget).get("ok").asBoolean()).as("PUBLIC to a public address: %s", fromPublic).isTrue();
            assertThat(fromPublic.get(publicTarget).get("value").asString()).startsWith("HTTP/1.0");
            assertThat(fromPublic.get(privateTarget).get("ok").asBoolean()).as("PUBLIC to a private address").isFalse();

            JsonNode fromNone = AgentHttp.invoke(closed.agentAddress(), request);
            assertThat(fromNone.get(publicTarget).get("ok").asBoolean()).as("NONE to a public address: %s", fromNone).isFalse();
            assertThat(fromNone.get(privateTarget).get("ok").asBoolean()).as("NONE to a private address").isFalse();
            assertThat(AgentHttp.ping(closed.agentAddress())).as("Hearth still reaches a NONE sandbox").isEqualTo(200);
            open.stop();
            closed.stop();
            assertNothingLeft(open);
            assertNothingLeft(closed);
        }
    }

    @Test
    void exceedingTheMemoryLimitEndsItAsOutOfMemory() throws Exception {
        Sandbox sandbox = startProbe(TestAgents.limits(1, 160, 64, 16), NetworkMode.NONE);
        // Not awaited: the agent dies mid-request, and with its network gone no reset may ever reach the client.
        Thread.ofVirtual().start(() -> {
            try {
                AgentHttp.invoke(sandbox.agentAddress(), "{\"action\":\"alloc\",\"mib\":2048}", Duration.ofSeconds(20));
            } catch (AssertionError expected) {
                // the connection dies with the agent
            }
        });
        assertThat(sandbox.exit().get(30, TimeUnit.SECONDS)).isEqualTo(new SandboxExit.OutOfMemory(160L << 20));
        assertNothingLeft(sandbox);
        assertNeighbourUndisturbed();
    }

    @Test
    void aForkBombStopsAtThePidsLimit() throws Exception {
        Sandbox sandbox = startProbe(TestAgents.limits(1, 512, 32, 16), NetworkMode.NONE);
        JsonNode bomb = AgentHttp.invoke(sandbox.agentAddress(), "{\"action\":\"forkbomb\",\"max\":400}");
        System.out.printf("%s fork bomb under a limit of 32: %s, usage %s%n", driverName(), bomb, sandbox.usage());
        assertThat(bomb.get("children").asInt()).as("children forked under a limit of 32 processes").isLessThan(32);
        assertThat(bomb.get("failure").asString()).isEqualTo("EAGAIN");
        assertThat(sandbox.usage()).hasValueSatisfying(u -> assertThat(u.processes()).isLessThanOrEqualTo(hostTaskLimit(32)));
        assertNeighbourUndisturbed();
        sandbox.stop();
        assertNothingLeft(sandbox);
    }

    /** Host tasks the driver allows a sandbox limited to {@code processes}, its runtime's own included. */
    abstract long hostTaskLimit(int processes);

    @Test
    void theWorkspaceIsBoundedAndTheCpuQuotaHolds() throws Exception {
        Sandbox sandbox = startProbe(TestAgents.limits(0.5, 256, 64, 8), NetworkMode.NONE);
        JsonNode fill = AgentHttp.invoke(sandbox.agentAddress(), "{\"action\":\"fill\",\"maxMiB\":64}");
        assertThat(fill.get("failure").asString()).as("filling the workspace: %s", fill).isEqualTo("ENOSPC");
        assertThat(fill.get("written").asLong()).isLessThanOrEqualTo(8L << 20);
        JsonNode tmp = AgentHttp.invoke(sandbox.agentAddress(), "{\"action\":\"fill\",\"dir\":\"/tmp\",\"maxMiB\":64}");
        assertThat(tmp.get("failure").asString()).as("filling /tmp: %s", tmp).isEqualTo("ENOSPC");
        assertThat(tmp.get("written").asLong()).isLessThanOrEqualTo(8L << 20);

        SandboxUsage before = sandbox.usage().orElseThrow();
        long wallStart = System.nanoTime();
        AgentHttp.invoke(sandbox.agentAddress(), "{\"action\":\"spin\",\"seconds\":1.5,\"workers\":2}");
        long wallNanos = System.nanoTime() - wallStart;
        SandboxUsage after = sandbox.usage().orElseThrow();
        long cpuNanos = after.cpuTime().minus(before.cpuTime()).toNanos();
        System.out.printf("%s CPU under a 0.5 vCPU quota: %d ms CPU in %d ms wall, throttled in %d periods%n",
                driverName(), cpuNanos / 1_000_000, wallNanos / 1_000_000, after.throttledPeriods() - before.throttledPeriods());
        // Two spinning workers would take 2 cores (3 s of CPU) unthrottled; the quota allows half a core.
        assertThat(cpuNanos).isLessThan((long) (wallNanos * 0.5 * 1.25) + 50_000_000L);
        assertThat(cpuNanos).as("the workers did spin").isGreaterThan(wallNanos / 10);
        assertThat(after.throttledPeriods()).isGreaterThan(before.throttledPeriods());
        sandbox.stop();
        assertNothingLeft(sandbox);
    }

    /** How many sandboxes {@link #coldStartsOneAfterAnother()} starts: fewer where each takes seconds. */
    abstract int coldStartRuns();

    /** Cold start as the isolation notes measure it: start() to the first 200 from /ping, several in a row. */
    @Test
    void coldStartsOneAfterAnother() {
        var millis = new ArrayList<Long>();
        var stops = new ArrayList<Long>();
        for (int i = 0; i < coldStartRuns(); i++) {
            long begin = System.nanoTime();
            // The default size (2 vCPU): a smaller CPU quota throttles the runtime's own start-up.
            Sandbox sandbox = start(TestAgents.spec(counterCode, "agent.py", ResourceLimits.DEFAULT, NetworkMode.PUBLIC, logs));
            AgentHttp.awaitReady(sandbox.agentAddress(), READY);
            millis.add((System.nanoTime() - begin) / 1_000_000);
            long stopBegin = System.nanoTime();
            sandbox.stop();
            stops.add((System.nanoTime() - stopBegin) / 1_000_000);
            assertNothingLeft(sandbox);
        }
        var sorted = millis.stream().sorted().toList();
        System.out.printf("%s cold starts (ms): %s, median %d; stops (ms): %s%n", driverName(), millis,
                sorted.get(sorted.size() / 2), stops);
    }

    @Test
    void anAgentThatExitsEndsItsSandbox() throws Exception {
        Sandbox sandbox = startCounter(TestAgents.limits(1, 256, 64, 16), NetworkMode.NONE);
        AgentHttp.invoke(sandbox.agentAddress(), "{\"exit\":3}");
        assertThat(sandbox.exit().get(20, TimeUnit.SECONDS)).isEqualTo(new SandboxExit.Exited(3));
        assertNothingLeft(sandbox);
    }

    @Test
    void isAliveTurnsFalseWhenTheAgentExitsBeforeTheTeardownEnds() throws Exception {
        Sandbox sandbox = startCounter(TestAgents.limits(1, 256, 64, 16), NetworkMode.NONE);
        assertThat(sandbox.isAlive()).isTrue();
        AgentHttp.invoke(sandbox.agentAddress(), "{\"exit\":3}");
        assertThat(DeathWatch.of(sandbox, Duration.ofSeconds(20)))
                .as("isAlive() false while the teardown (cgroup, mounts, network) still ran").isTrue();
        assertThat(sandbox.isAlive()).isFalse();
        assertThat(sandbox.exit().get()).isEqualTo(new SandboxExit.Exited(3));
        assertNothingLeft(sandbox);
    }

    @Test
    void closeStopsEverySandboxIncludingOneStillStartingAndRefusesLaterStarts() throws Exception {
        Path closingRoot = work.resolve("closing").resolve("sandboxes");
        SandboxDriver closing = SandboxDrivers.open(driverName(), closingRoot);
        try {
            var started = new ArrayList<Sandbox>();
            for (int i = 0; i < 3; i++) {
                started.add(closing.start(TestAgents.spec(counterCode, "agent.py", TestAgents.limits(1, 256, 64, 16),
                        NetworkMode.NONE, logs)));
            }
            SandboxSpec racingSpec = TestAgents.spec(counterCode, "agent.py", TestAgents.limits(1, 256, 64, 16),
                    NetworkMode.NONE, logs);
            var racing = new java.util.concurrent.FutureTask<>(() -> closing.start(racingSpec));
            Thread.ofPlatform().name("racing-start").start(racing);

            long begin = System.nanoTime();
            closing.close();
            Duration took = Duration.ofNanos(System.nanoTime() - begin);

            assertThat(took).isLessThan(Duration.ofSeconds(10));
            try {
                started.add(racing.get(30, TimeUnit.SECONDS)); // it won the race: then close() stopped it
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(SandboxException.class).hasMessageContaining("driver closed");
            }
            for (Sandbox sandbox : started) {
                assertThat(sandbox.exit()).isDone();
                assertThat(HostLeaks.of(sandbox.id(), HostLeaks.slot(sandbox.agentAddress()),
                        closingRoot.resolve(driverName()))).as("what sandbox %s left", sandbox.id()).isEmpty();
            }
            assertThat(HostLeaks.of(racingSpec.id(), -1, closingRoot.resolve(driverName())))
                    .as("what the racing start left").isEmpty();
            assertThatThrownBy(() -> closing.start(TestAgents.spec(counterCode, "agent.py",
                    TestAgents.limits(1, 256, 64, 16), NetworkMode.NONE, logs)))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining("driver closed");
        } finally {
            closing.close();
            closing.reclaimLeftovers();
        }
    }

    @Test
    void reclaimRemovesWhatAKilledServerLeft() throws Exception {
        Path crashData = work.resolve("crashed").resolve("sandboxes");
        Path crashRoot = crashData.resolve(driverName());
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process server = new ProcessBuilder(java, "-cp", classpath, CrashingServer.class.getName(), driverName(),
                crashData.toString(), counterCode.toString(), logs.toString())
                .redirectErrorStream(true)
                .start();
        String id;
        InetSocketAddress agent;
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream()))) {
            String line;
            var seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("STARTED ")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the crashing server's output: %s", seen).isNotNull();
            String[] parts = line.split(" ");
            id = parts[1];
            agent = new InetSocketAddress(parts[2], Integer.parseInt(parts[3]));
            AgentHttp.awaitReady(agent, READY);
        } finally {
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            server.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(AgentHttp.ping(agent)).as("the sandbox outlived its server").isEqualTo(200);
        assertThat(HostLeaks.of(id, HostLeaks.slot(agent), crashRoot)).isNotEmpty();

        try (SandboxDriver restarted = SandboxDrivers.open(driverName(), crashData)) {
            ReclaimReport report = restarted.reclaimLeftovers();
            assertThat(report.driver()).isEqualTo(driverName());
            assertThat(report.removed()).contains(id);
            assertThat(restarted.reclaimLeftovers().removed()).as("a second reclaim finds nothing").isEmpty();
        }
        assertThat(AgentHttp.ping(agent)).isEqualTo(-1);
        assertThat(HostLeaks.of(id, HostLeaks.slot(agent), crashRoot)).isEmpty();
    }

    static List<Object> concat(List<?> first, List<?> second) {
        var all = new ArrayList<Object>(first);
        all.addAll(second);
        return all;
    }

    /** Accepts whatever connected, without waiting; returns how many did. */
    static int drain(java.net.ServerSocket listener) throws IOException {
        int accepted = 0;
        while (true) {
            try (var ignored = listener.accept()) {
                accepted++;
            } catch (java.net.SocketTimeoutException e) {
                return accepted;
            }
        }
    }

    /** The host's own address on its uplink (not loopback, not a sandbox link). */
    static InetSocketAddress hostUplinkAddress() throws IOException {
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (nic.isLoopback() || !nic.isUp() || nic.getName().startsWith("hearth") || nic.getName().startsWith("htest")) {
                continue;
            }
            for (var address : java.util.Collections.list(nic.getInetAddresses())) {
                if (address instanceof java.net.Inet4Address) {
                    return new InetSocketAddress(address, 0);
                }
            }
        }
        throw new AssertionError("this host has no IPv4 address besides loopback");
    }

    static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String env(Sandbox sandbox, String name) {
        JsonNode value = AgentHttp.invoke(sandbox.agentAddress(), "{\"env\":\"" + name + "\"}").get("value");
        return value == null || value.isNull() ? null : value.asString();
    }

    static InetSocketAddress hostSideOf(Sandbox sandbox) {
        byte[] b = sandbox.agentAddress().getAddress().getAddress();
        b[3] -= 1;
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(b), 0);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
