package io.hearth.tests.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.sdk.AgentApp;
import io.hearth.sdk.InvocationHandler;
import io.hearth.sdk.RunningAgent;
import io.hearth.testing.NodeScripts;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Java SDK against the official TypeScript SDK ({@code bedrock-agentcore} 0.4.4): the same handlers on both
 * ({@code src/test/js/sdk-contract-agent.mjs} and {@link #javaAgent}), the same requests, and the answers compared:
 * {@code /ping}'s shape, server-sent-event bytes, error status and body, and what an unknown route gets.
 */
class JavaSdkContractTest {
    static final String SESSION = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Process node;
    static Path nodeLog;
    static URI typescript;
    static RunningAgent javaApp;
    static URI javaUri;

    @BeforeAll
    static void start() throws Exception {
        NodeScripts.assumeReady();
        int port;
        try (var probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        nodeLog = Files.createTempFile("hearth-sdk-contract-", ".log");
        var builder = new ProcessBuilder("node", "sdk-contract-agent.mjs").directory(NodeScripts.JS.toFile())
                .redirectErrorStream(true).redirectOutput(nodeLog.toFile());
        builder.environment().put("PORT", Integer.toString(port));
        node = builder.start();
        typescript = URI.create("http://127.0.0.1:" + port);
        javaApp = javaAgent().start("127.0.0.1", 0);
        javaUri = URI.create("http://127.0.0.1:" + javaApp.port());
        awaitPing(typescript);
    }

    /** The handlers of sdk-contract-agent.mjs, in Java. */
    static AgentApp javaAgent() {
        var app = AgentApp.create();
        InvocationHandler<JsonNode> handler = (request, context) -> switch (request.path("mode").asString("")) {
            case "json" -> Map.of("answer", 42, "sessionId", context.sessionId());
            case "stream" -> items(false);
            case "stream-fail" -> items(true);
            case "fail" -> throw new IllegalStateException("model unavailable");
            case "busy" -> {
                long task = app.addAsyncTask("busy");
                context.background("finish", () -> {
                    sleep(request.path("ms").asLong(1500));
                    app.completeAsyncTask(task);
                });
                yield Map.of("started", true);
            }
            default -> Map.of("echo", request);
        };
        return app.entrypoint(handler);
    }

    /** A record keeps its fields in order, as a JavaScript object does. */
    record Item(int n, String text) {}

    static Stream<Object> items(boolean failAfterFirst) {
        return Stream.<Supplier<Object>>of(
                () -> new Item(1, "one"),
                () -> {
                    if (failAfterFirst) {
                        throw new IllegalStateException("lost the model");
                    }
                    return "plain text";
                },
                () -> List.of(2, Map.of("nested", true))).map(Supplier::get);
    }

    @AfterAll
    static void stop() throws Exception {
        if (javaApp != null) {
            javaApp.close();
        }
        if (node != null) {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
            node.waitFor(10, TimeUnit.SECONDS);
        }
        if (nodeLog != null) {
            System.out.print(Files.readString(nodeLog));
            Files.deleteIfExists(nodeLog);
        }
    }

    /** One request to both agents. */
    record Pair(HttpResponse<String> typescript, HttpResponse<String> java) {}

    static Pair both(String method, String path, Optional<String> body, String... headers) throws Exception {
        return new Pair(send(typescript, method, path, body, headers), send(javaUri, method, path, body, headers));
    }

    static HttpResponse<String> send(URI base, String method, String path, Optional<String> body, String... headers)
            throws Exception {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .method(method, body.map(HttpRequest.BodyPublishers::ofString).orElse(HttpRequest.BodyPublishers.noBody()));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Pair invoke(String payload, String accept) throws Exception {
        return both("POST", "/invocations", Optional.of(payload), "Content-Type", "application/json", "Accept", accept,
                SESSION, "contract-session-0000000000000000000001");
    }

    static void assertSameHead(Pair pair, String... headers) {
        assertThat(pair.java().statusCode()).as("status").isEqualTo(pair.typescript().statusCode());
        for (String header : headers) {
            assertThat(pair.java().headers().firstValue(header)).as(header)
                    .isEqualTo(pair.typescript().headers().firstValue(header));
        }
    }

    @Test
    void pingHasTheSameShape() throws Exception {
        Pair ping = both("GET", "/ping", Optional.empty());

        assertSameHead(ping, "content-type");
        JsonNode ts = JSON.readTree(ping.typescript().body());
        JsonNode java = JSON.readTree(ping.java().body());
        assertThat(java.propertyNames()).containsExactlyElementsOf(ts.propertyNames());
        assertThat(java.path("status").asString()).isEqualTo(ts.path("status").asString()).isEqualTo("Healthy");
        assertThat(java.path("time_of_last_update").isIntegralNumber()).isTrue();
        assertThat(ts.path("time_of_last_update").isIntegralNumber()).isTrue();
        assertThat(java.path("time_of_last_update").asLong())
                .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(120L));
    }

    @Test
    void asyncTasksMakeBothBusyThenHealthyAgain() throws Exception {
        invoke("{\"mode\":\"busy\",\"ms\":1500}", "application/json");
        Pair busy = both("GET", "/ping", Optional.empty());
        assertThat(JSON.readTree(busy.typescript().body()).path("status").asString()).isEqualTo("HealthyBusy");
        assertThat(JSON.readTree(busy.java().body()).path("status").asString()).isEqualTo("HealthyBusy");
        long busySince = JSON.readTree(busy.java().body()).path("time_of_last_update").asLong();

        Thread.sleep(2_500);
        Pair idle = both("GET", "/ping", Optional.empty());
        assertThat(JSON.readTree(idle.typescript().body()).path("status").asString()).isEqualTo("Healthy");
        assertThat(JSON.readTree(idle.java().body()).path("status").asString()).isEqualTo("Healthy");
        assertThat(JSON.readTree(idle.java().body()).path("time_of_last_update").asLong()).isGreaterThanOrEqualTo(busySince);
    }

    @Test
    void aJsonAnswerIsTheSame() throws Exception {
        Pair pair = invoke("{\"mode\":\"json\"}", "application/json");

        assertSameHead(pair, "content-type");
        assertThat(JSON.readTree(pair.java().body())).isEqualTo(JSON.readTree(pair.typescript().body()));
    }

    @Test
    void streamsAreFramedByteForByte() throws Exception {
        Pair pair = invoke("{\"mode\":\"stream\"}", "text/event-stream");

        assertSameHead(pair, "content-type", "cache-control", "x-accel-buffering");
        assertThat(pair.java().body()).isEqualTo(pair.typescript().body())
                .isEqualTo("data: {\"n\":1,\"text\":\"one\"}\n\ndata: plain text\n\ndata: [2,{\"nested\":true}]\n\n");
    }

    @Test
    void aFailureInAStreamEndsItWithTheSameErrorEvent() throws Exception {
        Pair pair = invoke("{\"mode\":\"stream-fail\"}", "text/event-stream");

        assertSameHead(pair, "content-type");
        assertThat(pair.java().body()).isEqualTo(pair.typescript().body())
                .isEqualTo("data: {\"n\":1,\"text\":\"one\"}\n\nevent: error\ndata: {\"error\":\"lost the model\"}\n\n");
    }

    @Test
    void aFailedInvocationHasTheSameStatusAndBody() throws Exception {
        Pair pair = invoke("{\"mode\":\"fail\"}", "application/json");

        assertSameHead(pair, "content-type");
        assertThat(pair.java().statusCode()).isEqualTo(500);
        assertThat(pair.java().body()).isEqualTo(pair.typescript().body()).isEqualTo("{\"error\":\"model unavailable\"}");
    }

    @Test
    void anInvocationWithoutASessionIsRefusedAlike() throws Exception {
        Pair pair = both("POST", "/invocations", Optional.of("{\"mode\":\"json\"}"), "Content-Type", "application/json");

        assertSameHead(pair, "content-type");
        assertThat(pair.java().statusCode()).isEqualTo(400);
        assertThat(pair.java().body()).isEqualTo(pair.typescript().body());
    }

    @Test
    void unknownRoutesGetTheSame404() throws Exception {
        for (String[] route : new String[][] {{"GET", "/nowhere?x=1"}, {"GET", "/invocations"}, {"POST", "/ping"}, {"GET", "/ws"}}) {
            Pair pair = both(route[0], route[1], Optional.empty());

            assertSameHead(pair, "content-type");
            assertThat(pair.java().statusCode()).as("%s %s", route[0], route[1]).isEqualTo(404);
            assertThat(pair.java().body()).as("%s %s", route[0], route[1]).isEqualTo(pair.typescript().body());
        }
    }

    static void awaitPing(URI base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (send(base, "GET", "/ping", Optional.empty()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !node.isAlive()) {
                    throw new IllegalStateException("the TypeScript SDK agent did not answer /ping: " + Files.readString(nodeLog), e);
                }
            }
            Thread.sleep(100);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
