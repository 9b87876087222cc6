package io.hearth.tests;

import static io.hearth.tests.ControlPlaneFixture.BUCKET;
import static io.hearth.tests.ControlPlaneFixture.ROLE;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;
import tools.jackson.databind.JsonNode;

/**
 * examples/typescript-sdk, an agent built with the official {@code bedrock-agentcore} npm SDK (0.4.4), deployed
 * unchanged as a NODE_22 code artifact and called through the real Java data-plane client. Its streaming handler
 * needs {@code Accept: text/event-stream} and a JSON or text body (docs/wire-contract.md §4): the Java client sends
 * {@code application/json} and no Accept, so this also checks Hearth's content negotiation towards the agent.
 * Needs {@code node} and the example built ({@code ./hearth test} runs {@code npm ci && npm run build}).
 */
class TypeScriptAgentTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static final String PREFIX = "typescript_sdk";
    static ControlPlaneFixture fx;
    static Agents.Runtime streaming;
    static Agents.Runtime plain;

    @BeforeAll
    static void deploy() {
        Path example = HearthExtension.repoRoot().resolve("examples/typescript-sdk");
        NodeScripts.assumeNode();
        assumeTrue(Files.isRegularFile(example.resolve("dist/agent.js")) && Files.isRegularFile(example.resolve("dist/plain.js")),
                "examples/typescript-sdk/dist is missing: run npm ci && npm run build there (./hearth test does)");
        assumeTrue(Files.isDirectory(example.resolve("node_modules/bedrock-agentcore")),
                "examples/typescript-sdk/node_modules is missing: run npm ci there (./hearth test does)");

        fx = new ControlPlaneFixture(hearth);
        fx.stage("examples/typescript-sdk", PREFIX);
        streaming = node(ControlPlaneFixture.uniqueName("ts_stream"), "dist/agent.js");
        plain = node(ControlPlaneFixture.uniqueName("ts_plain"), "dist/plain.js");
    }

    private static Agents.Runtime node(String name, String entryPoint) {
        return fx.createReady(r -> r.agentRuntimeName(name)
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(BUCKET).prefix(PREFIX)))
                        .runtime("NODE_22")
                        .entryPoint(entryPoint)))
                .roleArn(ROLE)
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)));
    }

    @Test
    void theRuntimeKeepsItsNodeRuntimeAndEntryPoint() {
        var code = fx.control.getAgentRuntime(g -> g.agentRuntimeId(streaming.id())).agentRuntimeArtifact().codeConfiguration();
        assertThat(code.runtimeAsString()).isEqualTo("NODE_22");
        assertThat(code.entryPoint()).containsExactly("dist/agent.js");
    }

    @Test
    void aDefaultInvocationGetsTheStreamedEventsAsItsBody() {
        String session = Invoker.newSessionId();
        var response = fx.data.invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(streaming.arn())
                .runtimeSessionId(session)
                .payload(SdkBytes.fromUtf8String("{\"prompt\":\"hello\"}")));

        assertThat(response.response().contentType()).startsWith("text/event-stream");
        assertThat(response.response().runtimeSessionId()).isEqualTo(session);
        List<JsonNode> events = events(response.asUtf8String());
        assertThat(events).hasSize(3);
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            assertThat(event.path("index").asInt()).isEqualTo(i);
            assertThat(event.path("count").asInt()).isEqualTo(1);
            assertThat(event.path("sessionId").asString()).isEqualTo(session);
            assertThat(event.path("prompt").asString()).isEqualTo("hello");
        }
    }

    @Test
    void serverSentEventsArriveOneByOne() throws IOException {
        long start = System.nanoTime();
        var arrivals = new ArrayList<Long>();
        var lines = new ArrayList<String>();
        try (InputStream body = fx.data.invokeAgentRuntime(r -> r.agentRuntimeArn(streaming.arn())
                .runtimeSessionId(Invoker.newSessionId())
                .contentType("application/json")
                .accept("text/event-stream")
                .payload(SdkBytes.fromUtf8String("{\"prompt\":\"slowly\",\"events\":4,\"delayMs\":400}")))) {
            var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("data:")) {
                    lines.add(line);
                    arrivals.add((System.nanoTime() - start) / 1_000_000);
                }
            }
        }
        List<JsonNode> events = events(String.join("\n", lines));
        assertThat(events).extracting(e -> e.path("index").asInt()).containsExactly(0, 1, 2, 3);
        assertThat(events).allSatisfy(e -> assertThat(e.path("prompt").asString()).isEqualTo("slowly"));
        // The agent spends 1.2 s between its first and last event; a buffering proxy would deliver them together.
        assertThat(arrivals.getLast() - arrivals.getFirst()).as("spread of arrivals in ms: %s", arrivals).isGreaterThan(800);
    }

    @Test
    void theSameSessionKeepsTheAgentsState() {
        String session = Invoker.newSessionId();
        assertThat(streamedCount(session)).isEqualTo(1);
        assertThat(streamedCount(session)).isEqualTo(2);
        assertThat(streamedCount(session)).isEqualTo(3);
        assertThat(streamedCount(Invoker.newSessionId())).as("a new session is a new process").isEqualTo(1);
    }

    @Test
    void aHandlerThatReturnsAnObjectAnswersJson() {
        String session = Invoker.newSessionId();
        var response = fx.data.invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(plain.arn())
                .runtimeSessionId(session)
                .payload(SdkBytes.fromUtf8String("{\"prompt\":\"hi\"}")));
        assertThat(response.response().contentType()).startsWith("application/json");
        JsonNode answer = Json.tree(response.asByteArray());
        assertThat(answer.path("count").asInt()).isEqualTo(1);
        assertThat(answer.path("sessionId").asString()).isEqualTo(session);
        assertThat(answer.path("prompt").asString()).isEqualTo("hi");

        var again = fx.data.invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(plain.arn())
                .runtimeSessionId(session)
                .contentType("application/json")
                .accept("application/json")
                .payload(SdkBytes.fromUtf8String("{\"prompt\":\"again\"}")));
        JsonNode second = Json.tree(again.asByteArray());
        assertThat(second.path("count").asInt()).isEqualTo(2);
        assertThat(second.path("prompt").asString()).isEqualTo("again");
    }

    private static int streamedCount(String session) {
        var response = fx.data.invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(streaming.arn())
                .runtimeSessionId(session)
                .payload(SdkBytes.fromUtf8String("{\"events\":1,\"delayMs\":0}")));
        List<JsonNode> events = events(response.asUtf8String());
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().path("sessionId").asString()).isEqualTo(session);
        return events.getFirst().path("count").asInt();
    }

    /** The JSON of every {@code data:} line of an SSE body. */
    private static List<JsonNode> events(String sse) {
        return sse.lines()
                .filter(line -> line.startsWith("data:"))
                .map(line -> Json.tree(line.substring("data:".length()).trim().getBytes(StandardCharsets.UTF_8)))
                .toList();
    }
}
