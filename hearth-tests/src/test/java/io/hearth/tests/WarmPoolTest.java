package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.deployment.HearthTags;
import io.hearth.pool.PoolConfig;
import io.hearth.pool.PoolKey;
import io.hearth.pool.PoolStatus;
import io.hearth.session.SessionInfo;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** Warm pools end to end: the Hearth API and CLI configure them, AWS SDK callers get their sessions from them. */
class WarmPoolTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void parallelNewSessionsTakeExactlyTheReadySandboxesAndThePoolRefills() throws Exception {
        Agents.Runtime runtime = hearth.agents().pythonCounter();
        var key = new PoolKey(runtime.id(), "DEFAULT");
        JsonNode configured = send("PUT", "/hearth/v1/pools/" + runtime.id() + "/DEFAULT",
                "{\"minIdle\": 3, \"maxIdle\": 3, \"predictive\": false}");
        assertThat(configured.path("config").path("minIdle").asInt()).isEqualTo(3);
        awaitReady(key, 3);

        var invoker = new Invoker(hearth.clients().data(), runtime.arn());
        int sessions = 8;
        var ids = new ArrayList<String>();
        List<Future<Integer>> counts = new ArrayList<>();
        try (var callers = Executors.newFixedThreadPool(sessions)) {
            for (int i = 0; i < sessions; i++) {
                String id = Invoker.newSessionId();
                ids.add(id);
                counts.add(callers.submit((Callable<Integer>) () -> invoker.count(id)));
            }
            for (Future<Integer> count : counts) {
                assertThat(count.get()).as("every new session gets a fresh agent").isEqualTo(1);
            }
        }
        PoolStatus status = hearth.server().pools().status(key).orElseThrow();
        assertThat(status.hits()).as("exactly min(8, 3) sessions were served from the pool").isEqualTo(3);
        assertThat(status.misses()).isEqualTo(5);
        List<String> sandboxes = hearth.server().sessions().live().stream()
                .filter(s -> ids.contains(s.sessionId())).map(SessionInfo::sandboxId).toList();
        assertThat(sandboxes).hasSize(sessions).doesNotHaveDuplicates();

        awaitReady(key, 3);
        assertThat(invoker.count(ids.getFirst())).as("a claimed sandbox stays with its session").isEqualTo(2);

        String metrics = http.send(Signed.get(hearth.endpoint().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("hearth_pool_claims_total").contains("result=\"hit\"")
                .contains("hearth_sandbox_start_seconds_bucket").contains("hearth_pool_ready");
    }

    @Test
    void aNewVersionOnTheEndpointDrainsTheOldSandboxes() {
        Agents.Runtime runtime = hearth.agents().pythonCounter(null, Map.of("STAGE", "one"));
        var key = new PoolKey(runtime.id(), "DEFAULT");
        hearth.server().pools().configure(key, PoolConfig.of(2, 2));
        awaitReady(key, 2);

        hearth.clients().control().updateAgentRuntime(r -> r.agentRuntimeId(runtime.id())
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket("test-artifacts").prefix(runtime.id().substring(0, runtime.id().lastIndexOf('-')))))
                        .runtime("PYTHON_3_12").entryPoint("agent.py")))
                .roleArn("arn:aws:iam::000000000000:role/test")
                .networkConfiguration(n -> n.networkMode("PUBLIC"))
                .environmentVariables(Map.of("STAGE", "two")));
        await().atMost(Duration.ofSeconds(30)).until(() -> hearth.server().pools().status(key)
                .map(s -> s.version().equals(java.util.Optional.of("2")) && s.ready() == 2).orElse(false));

        var invoker = new Invoker(hearth.clients().data(), runtime.arn());
        assertThat(invoker.invoke(Invoker.newSessionId(), "{\"env\": \"STAGE\"}").path("value").asString())
                .as("the claimed sandbox runs the new version").isEqualTo("two");
        assertThat(hearth.server().pools().status(key).orElseThrow().hits()).isEqualTo(1);
    }

    @Test
    void runtimeTagsAskForAPoolWithoutTheHearthApi() {
        Agents.Runtime runtime = hearth.agents().deploy("examples/python-counter", "PYTHON_3_12", "agent.py", null,
                Map.of(), Map.of(HearthTags.POOL_MIN_IDLE, "1", HearthTags.POOL_MAX_IDLE, "2"));
        var key = new PoolKey(runtime.id(), "DEFAULT");
        awaitReady(key, 1);
        assertThat(hearth.server().pools().status(key).orElseThrow().source()).isEqualTo("tags");
    }

    @Test
    void theCliPreWarmsAnEndpointForAWindow() throws Exception {
        Agents.Runtime runtime = hearth.agents().pythonCounter();
        var key = new PoolKey(runtime.id(), "DEFAULT");
        var cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.hearth.cli.Main",
                "pool", "warm", runtime.id(), "2", "--for", "3s")
                .redirectErrorStream(true);
        cli.environment().put("HEARTH_ENDPOINT", hearth.endpoint().toString());
        cli.environment().putAll(Signed.serverEnvironment()); // the CLI signs with the root key
        Process process = cli.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).contains(runtime.id() + "/DEFAULT").contains("pre-warm of 2");

        awaitReady(key, 2);
        await("the window closed and the extras were released").atMost(Duration.ofSeconds(15))
                .until(() -> hearth.server().pools().status(key).map(PoolStatus::ready).orElse(0) == 0);
    }

    @Test
    void badPoolSettingsAnswerAValidationError() throws Exception {
        Agents.Runtime runtime = hearth.agents().pythonCounter();
        var response = http.send(Signed.request("PUT", hearth.endpoint().resolve("/hearth/v1/pools/" + runtime.id() + "/DEFAULT"),
                        "{\"minIdle\": 5, \"maxIdle\": 2}").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("ValidationException");
        assertThat(response.body()).contains("maxIdle: 2");

        var unknown = http.send(Signed.request("PUT", hearth.endpoint().resolve("/hearth/v1/pools/nope-0123456789/DEFAULT"),
                        "{\"minIdle\": 1}").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void aPreWarmWindowOnATagPoolAddsToItAndTheTagsApplyAgainWhenItCloses() throws Exception {
        Agents.Runtime runtime = hearth.agents().deploy("examples/python-counter", "PYTHON_3_12", "agent.py", null,
                Map.of(), Map.of(HearthTags.POOL_MIN_IDLE, "1", HearthTags.POOL_PREDICTIVE, "false"));
        var key = new PoolKey(runtime.id(), "DEFAULT");
        awaitReady(key, 1);

        String warmed = cli("pool", "warm", runtime.id(), "2", "--for", "3s");
        assertThat(warmed).contains("pre-warm of 2");
        awaitReady(key, 2);
        await("the window closed and the tag pool's one sandbox stayed").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> hearth.server().pools().status(key).map(s -> s.desired() == 1 && s.ready() == 1).orElse(false));
        Thread.sleep(1_500); // a few more passes: the pool stays at the tags' size, not 0
        PoolStatus status = hearth.server().pools().status(key).orElseThrow();
        assertThat(status.ready()).isEqualTo(1);
        assertThat(status.source()).isEqualTo("tags");
        assertThat(cli("pool", "show")).contains(runtime.id() + "/DEFAULT  source tags");
    }

    @Test
    void anOutOfRangePreWarmAnswersAValidationErrorNamingTheValue() throws Exception {
        Agents.Runtime runtime = hearth.agents().pythonCounter();
        var response = http.send(Signed.request("POST", hearth.endpoint().resolve("/hearth/v1/pools/" + runtime.id() + "/DEFAULT/warm"),
                        "{\"count\": 2, \"forSeconds\": 0}").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(t -> assertThat(t).startsWith("ValidationException"));
        assertThat(Json.tree(response.body().getBytes()).path("message").asString()).startsWith("forSeconds: 0 (expected:");
        assertThat(hearth.server().pools().status(new PoolKey(runtime.id(), "DEFAULT"))).isEmpty();
    }

    private static String cli(String... args) throws Exception {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.hearth.cli.Main"));
        command.addAll(List.of(args));
        var cli = new ProcessBuilder(command).redirectErrorStream(true);
        cli.environment().put("HEARTH_ENDPOINT", hearth.endpoint().toString());
        cli.environment().putAll(Signed.serverEnvironment()); // the CLI signs with the root key
        Process process = cli.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    private static void awaitReady(PoolKey key, int ready) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                hearth.server().pools().status(key).map(s -> s.ready() == ready && s.starting() == 0).orElse(false));
    }

    private JsonNode send(String method, String path, String body) throws Exception {
        var response = http.send(Signed.request(method, URI.create(hearth.endpoint() + path), body)
                .header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
        return Json.tree(response.body());
    }
}
