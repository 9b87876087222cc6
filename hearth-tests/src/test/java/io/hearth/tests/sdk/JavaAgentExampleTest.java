package io.hearth.tests.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hearth.api.Json;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.NodeScripts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import tools.jackson.databind.JsonNode;

/**
 * examples/java-agent, an agent written with hearth-sdk, deployed as a code artifact (its {@code target/agent}: a
 * {@code hearth.json} and {@code lib/}) and called with the real AWS SDK for Java: the counter continues on one
 * session, starts again on another, a streamed answer arrives as server-sent events, and {@code /ws} echoes through
 * Hearth's relay to the official TypeScript SDK's WebSocket client.
 */
class JavaAgentExampleTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static Path staged;
    static Agents.Runtime runtime;

    @BeforeAll
    static void deploy() throws IOException {
        Path built = HearthExtension.repoRoot().resolve("examples/java-agent/target/agent");
        assumeTrue(Files.isRegularFile(built.resolve("hearth.json")),
                "examples/java-agent/target/agent is missing: build it with ./mvnw -pl examples/java-agent -am package");
        staged = Files.createTempDirectory("hearth-java-agent-");
        Agents.copyTree(built, staged);
        // The example runs "java" from the PATH; here, the JDK running the tests, which is new enough for it.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(staged.resolve("hearth.json"), "{\"command\": [\"" + java + "\", \"-XX:+UseSerialGC\", "
                + "\"-Xmx256m\", \"-cp\", \"lib/*\", \"com.example.counter.CounterAgent\"]}\n");
        runtime = hearth.agents().deploy(staged.toString(), "PYTHON_3_12", "hearth.json", null, Map.of(), Map.of());
    }

    @AfterAll
    static void cleanUp() {
        if (staged != null) {
            HearthExtension.deleteTree(staged);
        }
    }

    @Test
    void theCounterContinuesOnTheSameSession() {
        var invoker = new Invoker(hearth.clients().data(), runtime.arn());
        String session = Invoker.newSessionId();
        String other = Invoker.newSessionId();

        JsonNode first = invoker.invoke(session, "{\"prompt\":\"hello\"}");
        JsonNode second = invoker.invoke(session, "{\"prompt\":\"again\"}");
        JsonNode elsewhere = invoker.invoke(other, "{\"prompt\":\"hello\"}");

        assertThat(first.path("count").asInt()).isEqualTo(1);
        assertThat(first.path("sessionId").asString()).isEqualTo(session);
        assertThat(first.path("prompt").asString()).isEqualTo("hello");
        assertThat(second.path("count").asInt()).isEqualTo(2);
        assertThat(elsewhere.path("count").asInt()).isEqualTo(1);
    }

    @Test
    void webSocketsThroughHearthEchoTextAndBinary() {
        NodeScripts.assumeReady();
        var run = NodeScripts.run("ws-client.mjs", Map.of("BEDROCK_AGENTCORE_DATA_PLANE_ENDPOINT",
                hearth.endpoint().toString(), "HEARTH_RUNTIME_ARN", runtime.arn()), Duration.ofSeconds(120),
                "header", "presigned");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("ws-client: 2 passed, 0 failed");
    }

    @Test
    void aStreamedAnswerArrivesEventByEvent() throws IOException {
        String session = Invoker.newSessionId();
        var lines = new ArrayList<String>();
        var arrivals = new ArrayList<Long>();
        long start = System.nanoTime();
        try (InputStream body = hearth.clients().data().invokeAgentRuntime(r -> r.agentRuntimeArn(runtime.arn())
                .runtimeSessionId(session)
                .contentType("application/json")
                .accept("text/event-stream")
                .payload(SdkBytes.fromUtf8String("{\"prompt\":\"count\",\"stream\":3,\"delayMs\":400}")))) {
            var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    lines.add(line.substring("data: ".length()));
                    arrivals.add((System.nanoTime() - start) / 1_000_000);
                }
            }
        }
        List<JsonNode> events = lines.stream().map(line -> Json.tree(line.getBytes(StandardCharsets.UTF_8))).toList();
        assertThat(events).extracting(e -> e.path("index").asInt()).containsExactly(0, 1, 2);
        assertThat(events).allSatisfy(e -> assertThat(e.path("count").asInt()).isEqualTo(1));
        // 800 ms between the first and last event: a buffered answer would bring them together.
        assertThat(arrivals.getLast() - arrivals.getFirst()).as("arrivals in ms: %s", arrivals).isGreaterThan(500);
    }
}
