package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hearth.router.ResumableStreamSettings;
import io.hearth.session.SessionInfo;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resumable SSE streams: a caller whose stream drops reattaches with {@code Last-Event-ID} and gets the events it
 * missed, then the live rest, exactly once and in order, from the same agent answer. The server holds 600 bytes
 * (about ten of the counter's events) for 2 s after a caller drops.
 */
class ResumableStreamTest {
    private static final long TAIL_BYTES = 600;
    private static final Duration HOLD = Duration.ofSeconds(2);

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(config -> config
            .withResumableStreams(new ResumableStreamSettings(TAIL_BYTES, HOLD)));

    static Agents.Runtime counter;

    @BeforeAll
    static void deploy() {
        counter = hearth.agents().pythonCounter();
    }

    @Test
    void aCallerThatDropsTwiceGetsEveryEventExactlyOnceInOrderFromOneAnswer() throws Exception {
        String session = Invoker.newSessionId();
        var received = new ArrayList<Event>();

        var first = Caller.open(invoke(session, "POST", "{\"stream\": 20, \"delayMs\": 150}", null));
        assertThat(first.response.statusCode()).isEqualTo(200);
        String stream = first.response.headers().firstValue("X-Hearth-Stream-Id").orElseThrow();
        received.addAll(first.read(5));
        first.drop();

        Thread.sleep(200);
        var second = Caller.open(invoke(session, "POST", "{\"stream\": 20, \"delayMs\": 150}", received.getLast().id()));
        assertThat(second.response.statusCode()).isEqualTo(200);
        assertThat(second.response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        received.addAll(second.read(5));
        second.drop();

        // EventSource reconnects with GET and no body.
        var third = Caller.open(invoke(session, "GET", "", received.getLast().id()));
        assertThat(third.response.statusCode()).isEqualTo(200);
        received.addAll(third.readToEnd());

        assertThat(received).extracting(Event::index).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
        assertThat(received).extracting(Event::id)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 20).mapToObj(n -> stream + "." + n).toList());
        // One answer: the agent was invoked once, and the next invocation is its second.
        assertThat(received).extracting(Event::count).containsOnly(1);
        assertThat(new Invoker(hearth.clients().data(), counter.arn()).count(session)).isEqualTo(2);
        awaitIdle(session);
    }

    @Test
    void theNewestCallerWinsAndTheOlderOneIsCut() throws Exception {
        String session = Invoker.newSessionId();
        var first = Caller.open(invoke(session, "POST", "{\"stream\": 12, \"delayMs\": 150}", null));
        List<Event> before = first.read(3);
        var second = Caller.open(invoke(session, "POST", "", before.getLast().id()));
        List<Event> rest = second.readToEnd();
        assertThat(rest).extracting(Event::index).containsExactlyElementsOf(IntStream.range(3, 12).boxed().toList());
        // The older caller's stream ends without its final chunk: it can tell its answer was cut short.
        assertThatThrownBy(first::readToEnd).isInstanceOf(IOException.class);
        awaitIdle(session);
    }

    @Test
    void aStreamNobodyReattachesToIsAbortedAfterTheHoldAndItsSessionReleased() throws Exception {
        String session = Invoker.newSessionId();
        var caller = Caller.open(invoke(session, "POST", "{\"stream\": 200, \"delayMs\": 100}", null));
        Event last = caller.read(2).getLast();
        caller.drop();

        // The agent's answer is still held, so the session is busy with it ...
        Thread.sleep(HOLD.toMillis() / 2);
        assertThat(sessionInfo(session).inFlight()).isEqualTo(1);
        // ... until the hold is over; then it is aborted (20 s of events remained) and the session is free.
        awaitIdle(session);

        HttpResponse<String> late = invoke(session, "POST", "", last.id(), HttpResponse.BodyHandlers.ofString());
        assertThat(late.statusCode()).isEqualTo(404);
        assertThat(late.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(t -> assertThat(t).startsWith("ResourceNotFoundException"));
        assertThat(late.body()).contains("\"__type\"").contains("is not held").contains(last.id().substring(0, 16))
                .contains("within " + HOLD.toSeconds() + " s");
        assertThat(new Invoker(hearth.clients().data(), counter.arn()).count(session)).isEqualTo(2);
    }

    @Test
    void aReattachForEventsNoLongerHeldIsRefusedNamingWhatIsHeld() throws Exception {
        String session = Invoker.newSessionId();
        var caller = Caller.open(invoke(session, "POST", "{\"stream\": 40, \"delayMs\": 20}", null));
        List<Event> events = caller.read(30);
        caller.drop();
        String stream = events.getFirst().id().substring(0, 16);

        HttpResponse<String> refused = invoke(session, "POST", "", stream + ".2", HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(refused.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(t -> assertThat(t).startsWith("ResourceNotFoundException"));
        assertThat(refused.body()).contains("after " + stream + ".2").contains("no longer held")
                .contains("at most " + TAIL_BYTES + " bytes").containsPattern("through " + stream + "\\.\\d+");

        // What is held still resumes: from the last event the caller saw to the end.
        var again = Caller.open(invoke(session, "GET", "", events.getLast().id()));
        assertThat(again.readToEnd()).extracting(Event::index).containsExactlyElementsOf(IntStream.range(30, 40).boxed().toList());
        awaitIdle(session);
    }

    @Test
    void aLastEventIdHearthDidNotMakeIsRefused() throws Exception {
        HttpResponse<String> refused = invoke(Invoker.newSessionId(), "POST", "", "42", HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(t -> assertThat(t).startsWith("ValidationException"));
        assertThat(refused.body()).contains("Last-Event-ID: 42 (expected: <stream>.<seq>");
    }

    @Test
    void aJsonAnswerPassesUnnumbered() throws Exception {
        HttpResponse<String> json = invoke(Invoker.newSessionId(), "POST", "{\"prompt\": \"hi\"}", null, HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("X-Hearth-Stream-Id")).isEmpty();
        assertThat(json.body()).startsWith("{\"count\": 1");
    }

    private static void awaitIdle(String session) {
        await().atMost(HOLD.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> sessionInfo(session).inFlight() == 0);
    }

    private static SessionInfo sessionInfo(String session) {
        return hearth.server().sessions().live().stream().filter(s -> s.sessionId().equals(session)).findFirst().orElseThrow();
    }

    /** One SSE event as the caller received it. */
    record Event(String id, int index, int count) {
        private static final Pattern DATA = Pattern.compile("\\{\"index\": (\\d+), \"count\": (\\d+)}");

        static Event of(String id, String data) {
            Matcher matcher = DATA.matcher(data);
            assertThat(matcher.matches()).as("data: %s", data).isTrue();
            return new Event(id, Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
        }
    }

    /** A caller on its own connection, which it can drop. */
    record Caller(HttpClient client, HttpResponse<java.io.InputStream> response, BufferedReader reader) {
        static Caller open(Exchange exchange) throws Exception {
            var response = exchange.client().send(exchange.request(), HttpResponse.BodyHandlers.ofInputStream());
            return new Caller(exchange.client(), response,
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)));
        }

        List<Event> read(int count) throws IOException {
            var events = new ArrayList<Event>();
            while (events.size() < count) {
                Event event = next();
                if (event == null) {
                    break;
                }
                events.add(event);
            }
            assertThat(events).hasSize(count);
            return events;
        }

        List<Event> readToEnd() throws IOException {
            try {
                var events = new ArrayList<Event>();
                for (Event event; (event = next()) != null; ) {
                    events.add(event);
                }
                return events;
            } finally {
                client.shutdownNow();
            }
        }

        private Event next() throws IOException {
            String id = null;
            String data = null;
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data != null) {
                        return Event.of(id, data);
                    }
                    continue;
                }
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            return null;
        }

        /** The connection goes, as a network drop would take it. */
        void drop() {
            client.shutdownNow();
        }
    }

    record Exchange(HttpClient client, HttpRequest request) {}

    private static Exchange invoke(String session, String method, String body, String lastEventId) {
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return new Exchange(client, request(session, method, body, lastEventId));
    }

    private static HttpResponse<String> invoke(String session, String method, String body, String lastEventId,
            HttpResponse.BodyHandler<String> handler) throws Exception {
        try (var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request(session, method, body, lastEventId), handler);
        }
    }

    private static HttpRequest request(String session, String method, String body, String lastEventId) {
        URI uri = hearth.endpoint().resolve("/runtimes/" + URLEncoder.encode(counter.arn(), StandardCharsets.UTF_8) + "/invocations");
        var builder = Signed.request(method, uri, body)
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(30));
        if (!body.isEmpty()) {
            builder.header("Content-Type", "application/json");
        }
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        return builder.build();
    }
}
