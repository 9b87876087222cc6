package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.testing.Clients;
import io.hearth.testing.CredentialsFile;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Leftovers;
import io.hearth.testing.Signed;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CLI as a user runs it: {@code hearth up}, {@code server} and {@code deploy}, each in its own JVM with the
 * launcher's JVM flags, and the launcher's {@code setup}.
 */
class CliTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    private static final Pattern UP = Pattern.compile("Hearth is up on (http://\\S+)");
    private static final Pattern ARN = Pattern.compile("^\\s+(arn:aws:bedrock-agentcore:\\S+:runtime/hearth_demo-\\w{10})\\s*$");

    @Test
    void upStartsTheServerDeploysTheDemoAgentAndTellsHowToCallIt() throws Exception {
        Path data = Files.createTempDirectory("hearth-up-");
        Process up = cli(Map.of(), "up", "--port", "0", "--data-dir", data.toString()).start();
        try {
            var endpoint = new CompletableFuture<URI>();
            var arn = new CompletableFuture<String>();
            var output = new StringBuffer();
            Thread.ofVirtual().start(() -> {
                try (var lines = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        output.append(line).append('\n');
                        Matcher m = UP.matcher(line);
                        if (m.find()) {
                            endpoint.complete(URI.create(m.group(1)));
                        }
                        Matcher a = ARN.matcher(line);
                        if (a.find()) {
                            arn.complete(a.group(1));
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
                endpoint.completeExceptionally(new AssertionError("hearth up ended early:\n" + output));
                arn.completeExceptionally(new AssertionError("hearth up printed no ARN:\n" + output));
            });
            URI listening = endpoint.get(60, TimeUnit.SECONDS);
            // No key given: the server made one and wrote it where the user finds it, as a new user calls it.
            var clients = CredentialsFile.read(data.resolve("credentials")).clients(listening);
            var invoker = new Invoker(clients.data(), arn.get(60, TimeUnit.SECONDS));
            String session = Invoker.newSessionId();
            assertThat(invoker.count(session)).isEqualTo(1);
            assertThat(invoker.count(session)).isEqualTo(2);
            assertThat(output.toString()).contains("curl -s -X POST").contains("endpointOverride");
            assertThat(jvmWarnings(output.toString())).isEmpty();
        } finally {
            up.destroy(); // SIGTERM: the shutdown hook stops every sandbox
            up.waitFor(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Leftovers.processesMentioning(data.toString()).isEmpty());
        HearthExtension.deleteTree(data);
    }

    @Test
    void deployCreatesThenUpdatesARuntimeAndWaitsUntilItIsReady() throws Exception {
        Path example = HearthExtension.repoRoot().resolve("examples/python-counter");
        var env = new java.util.HashMap<>(Signed.serverEnvironment()); // the CLI signs with the server's root key
        env.put("HEARTH_ENDPOINT", hearth.endpoint().toString());

        var first = run(cli(env, "deploy", example.toString(), "--name", "cli_deployed", "--entry", "agent.py"));
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("Creating cli_deployed-").contains("READY:").contains("(version 1)");

        var second = run(cli(env, "deploy", example.toString(), "--name", "cli_deployed", "--entry", "agent.py"));
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).contains("Updating cli_deployed-").contains("(version 2)");

        String arn = second.output().lines().filter(l -> l.startsWith("READY: ")).findFirst().orElseThrow()
                .substring("READY: ".length()).split(" ")[0];
        assertThat(new Invoker(hearth.clients().data(), arn).count(Invoker.newSessionId())).isEqualTo(1);
    }

    @Test
    void keysCreateWithATenantMakesAKeyThatDeploysIntoItsOwnAccount() throws Exception {
        var rootEnv = new java.util.HashMap<>(Signed.serverEnvironment());
        rootEnv.put("HEARTH_ENDPOINT", hearth.endpoint().toString());
        var created = run(cli(rootEnv, "keys", "create", "--tenant", "111111111111", "--json"));
        assertThat(created.exit()).as(created.output()).isZero();
        var key = io.hearth.api.Json.tree(created.output().getBytes(StandardCharsets.UTF_8));
        assertThat(key.path("tenant").asString()).isEqualTo("111111111111");
        var bad = run(cli(rootEnv, "keys", "create", "--tenant", "42"));
        assertThat(bad.exit()).isNotZero();
        assertOneLineProblem(bad.output(), "hearth: --tenant: 42");

        // The tenant's deploy uploads into its own artifacts and runs what it uploaded.
        var env = Map.of("HEARTH_ENDPOINT", hearth.endpoint().toString(),
                "HEARTH_ACCESS_KEY_ID", key.path("accessKeyId").asString(),
                "HEARTH_SECRET_ACCESS_KEY", key.path("secretAccessKey").asString());
        Path example = HearthExtension.repoRoot().resolve("examples/python-counter");
        var deployed = run(cli(env, "deploy", example.toString(), "--name", "cli_tenant", "--entry", "agent.py"));
        assertThat(deployed.exit()).as(deployed.output()).isZero();
        String arn = deployed.output().lines().filter(l -> l.startsWith("READY: ")).findFirst().orElseThrow()
                .substring("READY: ".length()).split(" ")[0];
        assertThat(arn).contains(":111111111111:runtime/cli_tenant-");
        var tenant = Clients.of(hearth.endpoint(), key.path("accessKeyId").asString(), key.path("secretAccessKey").asString());
        assertThat(new Invoker(tenant.data(), arn).count(Invoker.newSessionId())).isEqualTo(1);
    }

    @Test
    void deployToAServerThatIsNotThereSaysSoAndFails() throws Exception {
        var result = run(cli(Map.of("HEARTH_ENDPOINT", "http://127.0.0.1:1"), "deploy",
                HearthExtension.repoRoot().resolve("examples/python-counter").toString(), "--name", "nowhere", "--entry", "agent.py"));
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("cannot reach Hearth at http://127.0.0.1:1").contains("HEARTH_ENDPOINT");
        assertThat(result.output()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(result.output().lines().toList().getLast())
                .startsWith("hearth: cannot reach Hearth at http://127.0.0.1:1: connection refused (expected: ");
    }

    @Test
    void aServerStartsWithoutJvmWarnings() throws Exception {
        Path data = Files.createTempDirectory("hearth-warnings-");
        Process server = cli(Signed.serverEnvironment(), "server", "--port", "0", "--data-dir", data.toString(), "--isolation", "process").start();
        var output = new StringBuffer();
        try {
            var endpoint = new CompletableFuture<URI>();
            Thread.ofVirtual().start(() -> {
                try (var lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        output.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            endpoint.complete(URI.create(m.group(1)));
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
                endpoint.completeExceptionally(new AssertionError("hearth server ended early:\n" + output));
            });
            // One request through the control plane, so what loads lazily has loaded too.
            assertThat(Clients.of(endpoint.get(60, TimeUnit.SECONDS)).control().listAgentRuntimes(r -> {}).agentRuntimes()).isEmpty();
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            HearthExtension.deleteTree(data);
        }
        assertThat(jvmWarnings(output.toString())).as(output.toString()).isEmpty();
    }

    @Test
    void aServerOnABusyPortSaysSoInOneLineAndTouchesNothing() throws Exception {
        Path data = Files.createTempDirectory("hearth-busy-");
        try (var busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var result = run(cli(Map.of(), "server", "--port", String.valueOf(busy.getLocalPort()), "--data-dir", data.toString()));
            assertThat(result.exit()).as(result.output()).isEqualTo(1);
            assertOneLineProblem(result.output(), "hearth: port " + busy.getLocalPort() + " on 127.0.0.1 is already in use");
            // Refused before the data dir was opened: a second server must not reclaim the first one's sandboxes.
            try (var files = Files.list(data)) {
                assertThat(files).isEmpty();
            }
        } finally {
            HearthExtension.deleteTree(data);
        }
    }

    @Test
    void expectedProblemsEndInOneLineAndAnExitCode() throws Exception {
        Path file = Files.createTempFile("hearth-not-a-dir-", "");
        try {
            var badFlag = run(cli(Map.of(), "server", "--prot", "8080"));
            assertThat(badFlag.exit()).isEqualTo(2);
            assertOneLineProblem(badFlag.output(), "hearth: Unknown options: '--prot', '8080'");

            var badPort = run(cli(Map.of(), "server", "--port", "70000"));
            assertThat(badPort.exit()).isEqualTo(1);
            assertOneLineProblem(badPort.output(), "hearth: port: 70000 (expected: 0 to 65535)");

            var dataDir = run(cli(Map.of(), "server", "--port", "0", "--data-dir", file.resolve("data").toString()));
            assertThat(dataDir.exit()).isEqualTo(1);
            assertOneLineProblem(dataDir.output(), "hearth: data dir " + file.resolve("data"));

            var isolation = run(cli(Map.of(), "up", "--port", "0", "--isolation", "vm"));
            assertThat(isolation.exit()).isEqualTo(1);
            assertOneLineProblem(isolation.output(), "hearth: --isolation vm (expected: one of auto, gvisor, namespaces, process)");

            var pool = run(cli(Map.of("HEARTH_ENDPOINT", "http://127.0.0.1:1"), "pool", "show"));
            assertThat(pool.exit()).isEqualTo(1);
            assertOneLineProblem(pool.output(), "hearth: cannot reach Hearth at http://127.0.0.1:1: connection refused");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void setupMakesNoAptCallWhenNothingIsMissing() throws Exception {
        Path fake = fakeApt();
        try {
            var all = run(launcher(fake, "setup", "test"));
            assertThat(all.exit()).as(all.output()).isZero();
            assertThat(all.output()).isEqualTo("hearth: nothing to install: everything 'test' needs is here\n");

            var quiet = run(launcher(fake, "setup", "--quiet", "up", "--port", "0"));
            assertThat(quiet.exit()).as(quiet.output()).isZero();
            assertThat(quiet.output()).isEmpty();

            assertThat(fake.resolve("calls")).doesNotExist();
        } finally {
            HearthExtension.deleteTree(fake);
        }
    }

    @Test
    void setupInstallsWhatIsMissingInOneLineAsRootAndSaysWhatToRunOtherwise() throws Exception {
        Path fake = fakeApt();
        try {
            // bubblewrap and python3 hidden behind files that cannot run; apt-get is the fake one.
            Path hidden = Files.writeString(fake.resolve("hidden"), "");
            List<String> hide = List.of("bwrap", "--dev-bind", "/", "/", "--ro-bind", hidden.toString(), "/usr/bin/bwrap",
                    "--ro-bind", hidden.toString(), "/usr/bin/python3");

            var check = run(launcher(fake, hide, List.of(), "setup", "--check", "up"));
            assertThat(check.exit()).isEqualTo(1);
            assertThat(check.output()).isEqualTo(
                    "hearth: would install bubblewrap (needed for sandboxed agents), python3 (needed for Python agents)\n");
            assertThat(fake.resolve("calls")).doesNotExist();

            var user = run(launcher(fake, hide, List.of("--unshare-user", "--uid", "1000", "--gid", "1000"), "setup", "up"));
            assertThat(user.exit()).isEqualTo(1);
            assertOneLineProblem(user.output(), "hearth: missing bubblewrap (needed for sandboxed agents), python3 (needed for"
                    + " Python agents) (expected: installed; run: sudo ./hearth setup up, or: sudo apt-get install -y"
                    + " --no-install-recommends bubblewrap python3)");
            assertThat(fake.resolve("calls")).doesNotExist();

            var root = run(launcher(fake, hide, List.of(), "setup", "--quiet", "up"));
            assertThat(root.exit()).as(root.output()).isZero();
            assertThat(root.output()).isEqualTo(
                    "hearth: installing bubblewrap (needed for sandboxed agents), python3 (needed for Python agents) ... done\n");
            assertThat(Files.readString(fake.resolve("calls")))
                    .isEqualTo("update\ninstall -y --no-install-recommends bubblewrap python3\n");
            assertThat(Files.readString(fake.resolve("setup.log"))).contains("fake apt-get install");
        } finally {
            HearthExtension.deleteTree(fake);
        }
    }

    private static final Pattern LISTENING = Pattern.compile("Hearth is listening on (http://\\S+)");

    /** Lines the JVM itself prints at start, such as native-access or sun.misc.Unsafe warnings. */
    private static List<String> jvmWarnings(String output) {
        return output.lines().filter(line -> line.startsWith("WARNING:")).toList();
    }

    private static void assertOneLineProblem(String output, String start) {
        assertThat(output).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(output.lines().toList()).as(output).hasSize(1);
        assertThat(output).startsWith(start).contains("(expected: ");
    }

    /** A directory with an apt-get that records its arguments in calls and installs nothing. */
    private static Path fakeApt() throws java.io.IOException {
        Path dir = Files.createTempDirectory("hearth-fake-apt-");
        Path apt = Files.writeString(dir.resolve("apt-get"),
                "#!/bin/sh\necho \"fake apt-get $*\"\necho \"$*\" >> \"" + dir.resolve("calls") + "\"\n");
        Files.setPosixFilePermissions(apt, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static ProcessBuilder launcher(Path fakeApt, String... args) {
        return launcher(fakeApt, List.of(), List.of(), args);
    }

    /** {@code ./hearth ARGS} with the fake apt-get first on PATH, optionally inside bwrap with some files hidden. */
    private static ProcessBuilder launcher(Path fakeApt, List<String> sandbox, List<String> sandboxOptions, String... args) {
        var command = new ArrayList<String>(sandbox);
        command.addAll(sandboxOptions);
        command.addAll(List.of("bash", HearthExtension.repoRoot().resolve("hearth").toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", fakeApt + ":/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin");
        builder.environment().put("HEARTH_SETUP_LOG", fakeApt.resolve("setup.log").toString());
        return builder;
    }

    private record Result(int exit, String output) {}

    private static Result run(ProcessBuilder builder) throws Exception {
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static ProcessBuilder cli(Map<String, String> env, String... args) {
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + HearthExtension.repoRoot().resolve("hearth-cli/src/main/jvm/hearth.jvmopts"),
                "-Dhearth.home=" + HearthExtension.repoRoot(), "-cp", System.getProperty("java.class.path"), "io.hearth.cli.Main"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        return builder;
    }
}
