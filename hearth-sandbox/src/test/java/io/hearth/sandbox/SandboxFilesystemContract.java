package io.hearth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The sandbox's filesystem under a real isolating driver: a private copy-on-write layer over the shared code or image,
 * one disk quota for all the agent writes, nothing left once it ends, and an image's root, user, env and working
 * directory. Subclasses name the driver; without its binary the class is skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SandboxFilesystemContract {
    Path work;
    Path stateRoot;
    Path logs;
    Path probeCode;
    Path rootfs;
    SandboxDriver driver;

    abstract String driverName();

    abstract Path requiredBinary();

    @BeforeAll
    void openDriver() throws IOException {
        assumeTrue(Files.isExecutable(requiredBinary()),
                requiredBinary() + " is not installed: run ./hearth setup to test the " + driverName() + " driver");
        work = Files.createTempDirectory("hearth-" + driverName() + "-fs-test");
        Path sandboxes = work.resolve("data").resolve("sandboxes");
        stateRoot = sandboxes.resolve(driverName());
        logs = Path.of("target", "sandbox-logs", driverName() + "-fs").toAbsolutePath();
        probeCode = TestAgents.probe(work.resolve("code"));
        rootfs = TestRootfs.build(work.resolve("image").resolve("rootfs"));
        driver = SandboxDrivers.open(driverName(), sandboxes);
        driver.reclaimLeftovers();
    }

    @AfterAll
    void closeDriver() {
        if (driver != null) {
            driver.close();
            driver.reclaimLeftovers();
        }
        if (work != null) {
            IsolatingDriverContract.deleteTree(work);
        }
    }

    private Sandbox start(SandboxSpec spec) {
        Sandbox sandbox = driver.start(spec);
        AgentHttp.awaitReady(sandbox.agentAddress(), IsolatingDriverContract.READY);
        return sandbox;
    }

    private Sandbox startProbe(int diskMiB) {
        return start(TestAgents.spec(probeCode, "probe.py", TestAgents.limits(1, 512, 64, diskMiB), NetworkMode.NONE,
                logs));
    }

    private static JsonNode escape(Sandbox sandbox, List<String> read, List<String> write) {
        return AgentHttp.invoke(sandbox.agentAddress(), AgentHttp.JSON.createObjectNode()
                .put("action", "escape")
                .<tools.jackson.databind.node.ObjectNode>set("read", AgentHttp.JSON.valueToTree(read))
                .<tools.jackson.databind.node.ObjectNode>set("write", AgentHttp.JSON.valueToTree(write))
                .toString());
    }

    private static JsonNode fill(Sandbox sandbox, String dir) {
        return AgentHttp.invoke(sandbox.agentAddress(), "{\"action\":\"fill\",\"dir\":\"" + dir + "\",\"maxMiB\":256}");
    }

    private void assertNothingLeft(Sandbox sandbox) throws Exception {
        sandbox.exit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(HostLeaks.of(sandbox.id(), HostLeaks.slot(sandbox.agentAddress()), stateRoot))
                .as("what sandbox %s left on the host", sandbox.id())
                .isEmpty();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")))
                .as("no overlay or disk of the sandbox outlives it (mounts of other runs on this host are not ours)")
                .noneMatch(line -> line.contains(sandbox.id())
                        || line.contains("hearth-overlay") && line.contains(work.toString()));
    }

    @Test
    void theAgentWritesBesideItsCodeAndNoOtherSessionSeesIt() throws Exception {
        List<String> codeBefore = TestRootfs.listing(probeCode);
        Sandbox first = startProbe(16);
        Sandbox second = startProbe(16);
        try {
            JsonNode wrote = escape(first, List.of(), List.of("/app/note.txt", "/tmp/t.txt", "/workspace/w.txt"));
            assertThat(wrote.get("write /app/note.txt").get("ok").asBoolean()).as(wrote.toString()).isTrue();
            assertThat(wrote.get("write /tmp/t.txt").get("ok").asBoolean()).isTrue();
            assertThat(wrote.get("write /workspace/w.txt").get("ok").asBoolean()).isTrue();
            JsonNode read = escape(first, List.of("/app/note.txt", "/app/probe.py"), List.of());
            assertThat(read.get("read /app/note.txt").get("value").asString()).isEqualTo("probe");
            assertThat(read.get("read /app/probe.py").get("ok").asBoolean()).isTrue();
            JsonNode whoami = AgentHttp.invoke(first.agentAddress(), "{\"action\":\"whoami\"}");
            assertThat(whoami.get("cwd").asString()).isEqualTo("/app");

            JsonNode other = escape(second, List.of("/app/note.txt", "/tmp/t.txt", "/workspace/w.txt"), List.of());
            assertThat(other.get("read /app/note.txt").get("error").asString()).isEqualTo("ENOENT");
            assertThat(other.get("read /tmp/t.txt").get("error").asString()).isEqualTo("ENOENT");
            assertThat(other.get("read /workspace/w.txt").get("error").asString()).isEqualTo("ENOENT");
            JsonNode outside = escape(first, List.of(), List.of("/etc/hearth-probe", "/usr/hearth-probe", "/hearth-probe"));
            assertThat(outside.get("write /etc/hearth-probe").get("ok").asBoolean()).isFalse();
            assertThat(outside.get("write /usr/hearth-probe").get("ok").asBoolean()).isFalse();
            assertThat(outside.get("write /hearth-probe").get("ok").asBoolean()).isFalse();
            assertThat(TestRootfs.listing(probeCode)).as("the shared code on the host").isEqualTo(codeBefore);
            assertThat(HostLeaks.of(first.id(), HostLeaks.slot(first.agentAddress()), stateRoot))
                    .as("the leak check sees a live sandbox's overlay in its launcher's namespace")
                    .anyMatch(leak -> leak.contains("hearth-overlay"));
        } finally {
            first.stop();
            second.stop();
        }
        assertNothingLeft(first);
        assertNothingLeft(second);
    }

    @Test
    void writingPastTheQuotaFailsWithEnospcAndTheSandboxStaysHealthy() throws Exception {
        Sandbox sandbox = startProbe(16);
        try {
            for (String dir : List.of("/app", "/tmp", "/workspace")) {
                JsonNode filled = fill(sandbox, dir);
                assertThat(filled.get("failure").asString()).as("filling " + dir).isEqualTo("ENOSPC");
                assertThat(filled.get("written").asLong()).as("bytes written in " + dir)
                        .isGreaterThan(8L << 20).isLessThanOrEqualTo(16L << 20);
                assertThat(AgentHttp.ping(sandbox.agentAddress())).isEqualTo(200);
            }
            JsonNode after = escape(sandbox, List.of(), List.of("/app/small.txt"));
            assertThat(after.get("write /app/small.txt").get("ok").asBoolean())
                    .as("space comes back once the agent deletes what filled it").isTrue();
            assertThat(sandbox.isAlive()).isTrue();
        } finally {
            sandbox.stop();
        }
        assertNothingLeft(sandbox);
    }

    @Test
    void anImageRunsAsItsUserWithItsEnvAndWorkdirOnItsOwnRoot() throws Exception {
        List<String> before = TestRootfs.listing(rootfs);
        var image = new ImageRoot(rootfs, TestRootfs.UID, TestRootfs.GID, TestRootfs.WORKDIR, Map.of(
                "PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", TestRootfs.HOME, "IMAGE_VAR", "from the image",
                "GREETING", "the image's, overridden"));
        String id = SandboxIds.next();
        var spec = new SandboxSpec(id, rootfs, List.of("python3", "probe.py"),
                Map.of("GREETING", "hello from the runtime"), TestAgents.limits(1, 512, 64, 16), NetworkMode.NONE,
                logs.resolve(id + ".log"), Map.of("test", "true"), Optional.empty(), SandboxSpec.DEFAULT_AGENT_PORT,
                Optional.of(image));
        Sandbox sandbox = start(spec);
        try {
            JsonNode whoami = AgentHttp.invoke(sandbox.agentAddress(), "{\"action\":\"whoami\"}");
            assertThat(whoami.get("uid").asInt()).isEqualTo(TestRootfs.UID);
            assertThat(whoami.get("gid").asInt()).isEqualTo(TestRootfs.GID);
            assertThat(whoami.get("cwd").asString()).isEqualTo(TestRootfs.WORKDIR);
            JsonNode env = whoami.get("env");
            assertThat(env.get("IMAGE_VAR").asString()).isEqualTo("from the image");
            assertThat(env.get("GREETING").asString()).isEqualTo("hello from the runtime");
            assertThat(env.get("HOME").asString()).isEqualTo(TestRootfs.HOME);
            assertThat(env.get("PORT").asString()).isEqualTo("8080");

            JsonNode seen = escape(sandbox, List.of("/etc/hostname", "/usr/bin", "/etc/secret",
                    TestRootfs.WORKDIR + "/other.txt", "/etc/shadow"), List.of());
            assertThat(seen.get("read /etc/hostname").get("value").asString()).isEqualTo("sandbox\n");
            assertThat(seen.get("read /usr/bin").get("value").toString()).isEqualTo("[\"python3\"]");
            assertThat(seen.get("read /etc/secret").get("error").asString()).isEqualTo("EACCES");
            assertThat(seen.get("read " + TestRootfs.WORKDIR + "/other.txt").get("value").asString())
                    .isEqualTo("another uid's");
            assertThat(seen.get("read /etc/shadow").get("error").asString()).isEqualTo("ENOENT");
            assertThat(seen.get("root").toString()).doesNotContain("\"app\"");

            List<String> writes = List.of(TestRootfs.WORKDIR + "/out.txt", "/at-the-root.txt",
                    TestRootfs.HOME + "/.cache", "/tmp/t.txt", "/workspace/w.txt");
            JsonNode wrote = escape(sandbox, List.of(), writes);
            for (String path : writes) {
                assertThat(wrote.get("write " + path).get("ok").asBoolean()).as(path + ": " + wrote).isTrue();
            }
            JsonNode back = escape(sandbox, List.of(TestRootfs.WORKDIR + "/out.txt", "/at-the-root.txt"), List.of());
            assertThat(back.get("read " + TestRootfs.WORKDIR + "/out.txt").get("value").asString()).isEqualTo("probe");
            assertThat(back.get("read /at-the-root.txt").get("value").asString()).isEqualTo("probe");
            assertThat(fill(sandbox, TestRootfs.WORKDIR).get("failure").asString()).isEqualTo("ENOSPC");
            assertThat(TestRootfs.listing(rootfs)).as("the shared image root on the host").isEqualTo(before);
        } finally {
            sandbox.stop();
        }
        assertNothingLeft(sandbox);
        assertThat(TestRootfs.listing(rootfs)).isEqualTo(before);
    }

    @Test
    void anImageWhoseUserIsRootHasNoPowerBeyondItsOwnLayer() throws Exception {
        List<String> before = TestRootfs.listing(rootfs);
        var image = new ImageRoot(rootfs, 0, 0, TestRootfs.WORKDIR, Map.of("PATH", "/usr/bin", "HOME", "/root"));
        String id = SandboxIds.next();
        Sandbox sandbox = start(new SandboxSpec(id, rootfs, List.of("python3", "probe.py"), Map.of(),
                TestAgents.limits(1, 512, 64, 16), NetworkMode.NONE, logs.resolve(id + ".log"), Map.of(),
                Optional.empty(), SandboxSpec.DEFAULT_AGENT_PORT, Optional.of(image)));
        try {
            JsonNode report = escape(sandbox, List.of("/root"), List.of(TestRootfs.WORKDIR + "/out.txt",
                    "/root/.profile", "/usr/lib/hearth-probe"));
            assertThat(report.get("uid").asInt()).isZero();
            assertThat(report.get("capEff").asString()).as("root of the image, without a capability")
                    .isEqualTo("0000000000000000");
            assertThat(report.get("write " + TestRootfs.WORKDIR + "/out.txt").get("ok").asBoolean())
                    .as(report.toString()).isTrue();
            assertThat(report.get("write /root/.profile").get("ok").asBoolean()).as("its home").isTrue();
            if (driverName().equals("namespaces")) {
                assertThat(report.get("unshare user").get("ok").asBoolean()).as("no nested user namespace").isFalse();
            }
            assertThat(TestRootfs.listing(rootfs)).as("the shared image root on the host").isEqualTo(before);
        } finally {
            sandbox.stop();
        }
        assertNothingLeft(sandbox);
        assertThat(TestRootfs.listing(rootfs)).isEqualTo(before);
    }
}
