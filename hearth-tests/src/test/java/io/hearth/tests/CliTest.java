package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Leftovers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** The CLI as a user runs it: {@code hearth up} and {@code hearth deploy}, each in its own JVM. */
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
            var clients = Clients.of(endpoint.get(60, TimeUnit.SECONDS));
            var invoker = new Invoker(clients.data(), arn.get(60, TimeUnit.SECONDS));
            String session = Invoker.newSessionId();
            assertThat(invoker.count(session)).isEqualTo(1);
            assertThat(invoker.count(session)).isEqualTo(2);
            assertThat(output.toString()).contains("curl -s -X POST").contains("endpointOverride");
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
        var env = Map.of("HEARTH_ENDPOINT", hearth.endpoint().toString());

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
    void deployToAServerThatIsNotThereSaysSoAndFails() throws Exception {
        var result = run(cli(Map.of("HEARTH_ENDPOINT", "http://127.0.0.1:1"), "deploy",
                HearthExtension.repoRoot().resolve("examples/python-counter").toString(), "--name", "nowhere", "--entry", "agent.py"));
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("cannot reach Hearth at http://127.0.0.1:1").contains("HEARTH_ENDPOINT");
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
                "-Dhearth.home=" + HearthExtension.repoRoot(), "-cp", System.getProperty("java.class.path"), "io.hearth.cli.Main"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        return builder;
    }
}
