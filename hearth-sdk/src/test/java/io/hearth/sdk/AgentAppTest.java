package io.hearth.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The SDK over real HTTP: an app on a free loopback port, called with the JDK's own client. */
class AgentAppTest {
    static final String SESSION = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";
    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();
    RunningAgent agent;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    record Question(String prompt, int times) {}

    HttpResponse<String> post(String body, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(uri("/invocations")).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + agent.port() + path);
    }

    @Test
    void aRecordPayloadIsBoundAndTheAnswerIsJson() throws Exception {
        agent = AgentApp.create().entrypoint(Question.class, (q, ctx) -> Map.of("echo", q.prompt().repeat(q.times()),
                "session", ctx.sessionId())).start("127.0.0.1", 0);

        var response = post("{\"prompt\":\"ab\",\"times\":2,\"extra\":true}", SESSION, "s-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(json.readTree(response.body())).isEqualTo(json.readTree("{\"echo\":\"abab\",\"session\":\"s-1\"}"));
    }

    @Test
    void theContextCarriesOnlyTheForwardedHeaders() throws Exception {
        agent = AgentApp.create().entrypoint((payload, ctx) -> Map.of("headers", ctx.headers(),
                "requestId", ctx.requestId(), "token", ctx.workloadAccessToken().orElse("none"),
                "custom", ctx.header("x-amzn-bedrock-agentcore-runtime-custom-tenant").orElse("none")))
                .start("127.0.0.1", 0);

        JsonNode answer = json.readTree(post("{}", SESSION, "s-1", "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id", "r-1",
                "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant", "acme", "WorkloadAccessToken", "wat",
                "X-Other", "hidden").body());

        assertThat(answer.path("requestId").asString()).isEqualTo("r-1");
        assertThat(answer.path("token").asString()).isEqualTo("wat");
        assertThat(answer.path("custom").asString()).isEqualTo("acme");
        assertThat(answer.path("headers").propertyNames()).containsExactly("X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant");
    }

    @Test
    void withoutASessionIdTheInvocationIsRefused() throws Exception {
        agent = AgentApp.create().entrypoint((payload, ctx) -> ctx.sessionId()).start("127.0.0.1", 0);

        var refused = post("{}");
        var fromBody = post("{\"sessionId\":\"in-body\"}");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json.readTree(refused.body()).path("error").asString()).startsWith("Missing sessionId");
        assertThat(fromBody.body()).isEqualTo("\"in-body\"");
    }

    @Test
    void failuresAreAnsweredWithTheirStatusAndMessage() throws Exception {
        agent = AgentApp.create().entrypoint(Question.class, (q, ctx) -> {
            if (q.prompt().equals("teapot")) {
                throw new InvocationException(418, "short and stout");
            }
            throw new IllegalStateException("model unavailable");
        }).start("127.0.0.1", 0);

        var failed = post("{\"prompt\":\"x\"}", SESSION, "s");
        var chosen = post("{\"prompt\":\"teapot\"}", SESSION, "s");
        var unfit = post("{\"prompt\":[1]}", SESSION, "s");
        var notJson = post("{nope", SESSION, "s");

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).isEqualTo("{\"error\":\"model unavailable\"}");
        assertThat(chosen.statusCode()).isEqualTo(418);
        assertThat(chosen.body()).isEqualTo("{\"error\":\"short and stout\"}");
        assertThat(unfit.statusCode()).isEqualTo(400);
        assertThat(json.readTree(unfit.body()).path("error").asString()).isEqualTo("Invalid request body format");
        assertThat(notJson.statusCode()).isEqualTo(400);
    }

    @Test
    void aStreamIsFramedAsServerSentEvents() throws Exception {
        agent = AgentApp.create().entrypoint((payload, ctx) -> Stream.of(Map.of("n", 1), "two\nlines",
                ServerSentEvent.named("done", List.of(3)))).start("127.0.0.1", 0);

        var response = post("{}", SESSION, "s");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(response.body()).isEqualTo("data: {\"n\":1}\n\ndata: two\ndata: lines\n\nevent: done\ndata: [3]\n\n");
    }

    @Test
    void aStreamThatFailsEndsWithAnErrorEvent() throws Exception {
        agent = AgentApp.create().entrypoint((payload, ctx) -> Stream.iterate(0, i -> {
            if (i == 1) {
                throw new IllegalStateException("lost the model");
            }
            return i + 1;
        })).start("127.0.0.1", 0);

        var response = post("{}", SESSION, "s");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("data: 0\n\ndata: 1\n\nevent: error\ndata: {\"error\":\"lost the model\"}\n\n");
    }

    @Test
    void aQuietStreamGetsHeartbeats() throws Exception {
        agent = AgentApp.create().heartbeat(Duration.ofMillis(200)).entrypoint((payload, ctx) -> Stream.of(1, 2).peek(i -> {
            try {
                Thread.sleep(i == 2 ? 700 : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).start("127.0.0.1", 0);

        String body = post("{}", SESSION, "s").body();

        assertThat(body).startsWith("data: 1\n\n: heartbeat\n\n").endsWith(": heartbeat\n\ndata: 2\n\n");
        assertThat(body.replace(": heartbeat\n\n", "")).isEqualTo("data: 1\n\ndata: 2\n\n");
    }

    @Test
    void publishersAndFuturesAreAnswersToo() throws Exception {
        agent = AgentApp.create().entrypoint((payload, ctx) -> {
            if (payload.path("future").asBoolean()) {
                CompletionStage<Object> later = CompletableFuture.supplyAsync(() -> Map.of("later", true));
                return later;
            }
            var publisher = new SubmissionPublisher<Integer>();
            ctx.background("publish", () -> {
                // A SubmissionPublisher drops what it is given before anyone subscribed.
                while (publisher.getNumberOfSubscribers() == 0) {
                    Thread.onSpinWait();
                }
                for (int i = 0; i < 3; i++) {
                    publisher.submit(i);
                }
                publisher.close();
            });
            return publisher;
        }).start("127.0.0.1", 0);

        assertThat(post("{}", SESSION, "s").body()).isEqualTo("data: 0\n\ndata: 1\n\ndata: 2\n\n");
        assertThat(post("{\"future\":true}", SESSION, "s").body()).isEqualTo("{\"later\":true}");
    }

    @Test
    void unknownRoutesAre404() throws Exception {
        agent = AgentApp.create().entrypoint((payload, ctx) -> payload).start("127.0.0.1", 0);

        var response = get("/nowhere?x=1");
        var getInvocations = get("/invocations");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"message\":\"Route GET:/nowhere?x=1 not found\",\"error\":\"Not Found\",\"statusCode\":404}");
        assertThat(getInvocations.statusCode()).isEqualTo(404);
        assertThat(get("/ws").statusCode()).isEqualTo(404);
    }

    @Test
    void backgroundWorkMakesThePingBusyAndTheTimeMovesOnlyOnChange() throws Exception {
        var release = new CountDownLatch(1);
        var app = AgentApp.create();
        agent = app.entrypoint((payload, ctx) -> {
            ctx.background("slow job", () -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return "started";
        }).start("127.0.0.1", 0);

        JsonNode idle = json.readTree(get("/ping").body());
        assertThat(idle.propertyNames()).containsExactly("status", "time_of_last_update");
        assertThat(idle.path("status").asString()).isEqualTo("Healthy");
        assertThat(idle.path("time_of_last_update").isIntegralNumber()).isTrue();
        Thread.sleep(1100);
        assertThat(json.readTree(get("/ping").body())).isEqualTo(idle);

        post("{}", SESSION, "s");
        JsonNode busy = json.readTree(get("/ping").body());
        assertThat(busy.path("status").asString()).isEqualTo("HealthyBusy");
        assertThat(busy.path("time_of_last_update").asLong()).isGreaterThan(idle.path("time_of_last_update").asLong());
        assertThat(app.asyncTasks()).hasSize(1);

        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (app.pingStatus() != PingStatus.HEALTHY && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(json.readTree(get("/ping").body()).path("status").asString()).isEqualTo("Healthy");
    }

    static class Annotated {
        int calls;

        @Entrypoint
        Object answer(RequestContext context, Question question) {
            calls++;
            return Map.of("prompt", question.prompt(), "calls", calls);
        }

        @WebSocketEntrypoint
        void echo(WebSocketConnection connection) {
            for (var message = connection.receive(); message.isPresent(); message = connection.receive()) {
                connection.sendText("echo: " + message.get().text());
            }
        }
    }

    @Test
    void annotatedMethodsServeInvocationsAndWebSockets() throws Exception {
        agent = AgentApp.of(new Annotated()).start("127.0.0.1", 0);

        assertThat(json.readTree(post("{\"prompt\":\"hi\"}", SESSION, "s").body()))
                .isEqualTo(json.readTree("{\"prompt\":\"hi\",\"calls\":1}"));

        var received = new LinkedBlockingQueue<String>();
        WebSocket socket = http.newWebSocketBuilder().header(SESSION, "s")
                .buildAsync(URI.create("ws://127.0.0.1:" + agent.port() + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        socket.sendText("one", true).get(5, TimeUnit.SECONDS);
        socket.sendText("two", true).get(5, TimeUnit.SECONDS);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: one");
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: two");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void badAgentsAreRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> AgentApp.of(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no @Entrypoint method");
        assertThatThrownBy(() -> AgentApp.port("http")).hasMessage("PORT: http (expected: a port number)");
        assertThat(AgentApp.port(null)).isEqualTo(8080);
        assertThat(AgentApp.port("9000")).isEqualTo(9000);
        assertThatThrownBy(() -> AgentApp.create().start(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aClosedAgentFreesItsPort() throws Exception {
        agent = AgentApp.create().entrypoint((payload, ctx) -> payload).start("127.0.0.1", 0);
        int port = agent.port();
        agent.close();
        agent = AgentApp.create().entrypoint((payload, ctx) -> payload).start("127.0.0.1", port);
        assertThat(get("/ping").statusCode()).isEqualTo(200);
    }
}
