package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.Json;
import io.hearth.api.Workers;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcore.model.RuntimeClientErrorException;

/**
 * Agents that answer badly: each fault ends in a documented AWS error (or, once a stream has begun, in a cut the
 * SDK surfaces) within its deadline, and the next call on the same session succeeds. These faults live on the
 * HTTP leg between Hearth and the agent, so they do not depend on the sandbox driver.
 */
class FaultBatteryTest {
    /** Every fault must be answered well within this: no fault may turn into a hang. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static Agents.Runtime agent;
    static Invoker invoker;

    @BeforeAll
    static void deploy() {
        agent = hearth.agents().faultAgent(Map.of());
        invoker = new Invoker(hearth.clients().data(), agent.arn());
    }

    @Test
    void anAnswerThatIsNotHttpIsARuntimeClientError() {
        String session = warmSession();
        assertRuntimeClientErrorWithin(() -> invoker.invoke(session, "{\"fault\": \"garbage\"}"));
        assertRecovers(session);
    }

    @Test
    void responseHeadersOfOneMebibyteAreAClearErrorNotAHang() {
        String session = warmSession();
        long start = System.nanoTime();
        assertThatThrownBy(() -> invoker.invoke(session, "{\"fault\": \"huge-headers\"}"))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.statusCode()).as("424 or a 5xx: %s", e.getMessage()).matches(s -> s == 424 || s >= 500);
                    assertThat(e.awsErrorDetails().errorCode()).isIn("RuntimeClientError", "InternalServerException");
                });
        assertThat(elapsed(start)).isLessThan(DEADLINE);
        assertRecovers(session);
    }

    @Test
    void aJsonAnswerCutBeforeItsBodyIsARuntimeClientError() {
        String session = warmSession();
        assertRuntimeClientErrorWithin(() -> invoker.invoke(session, "{\"fault\": \"cut-json\"}"));
        assertRecovers(session);
    }

    @Test
    void anEventStreamCutMidwayEndsWithAnErrorTheCallerSees() {
        String session = warmSession();
        assertStreamEndsInError(session, "cut-sse");
        assertRecovers(session);
    }

    @Test
    void anAgentThatExitsMidStreamEndsTheStreamWithAnErrorAndTheNextCallGetsAFreshSandbox() {
        String session = warmSession();
        assertStreamEndsInError(session, "exit-mid-sse");
        assertThat(count(session)).as("a fresh sandbox after the crash").isEqualTo(1);
    }

    @Test
    void aSlowAgentDeliversItsWholeAnswerAndSlowsNoOtherSession() throws Exception {
        String slowSession = warmSession();
        String other = warmSession();
        try (var workers = Workers.bounded("fault-slow-caller", 1, 1)) {
            long start = System.nanoTime();
            // 300 bytes, one every 10 ms: about 3 s of dribble.
            Future<byte[]> slow = workers.submit(() -> hearth.clients().data().invokeAgentRuntimeAsBytes(r -> r
                    .agentRuntimeArn(agent.arn()).runtimeSessionId(slowSession)
                    .payload(SdkBytes.fromUtf8String("{\"fault\": \"slow\", \"bytes\": 300, \"delayMs\": 10}"))).asByteArray());
            Thread.sleep(300);
            var others = new ArrayList<Duration>();
            for (int i = 0; i < 5; i++) {
                long one = System.nanoTime();
                invoker.invoke(other, "{}");
                others.add(elapsed(one));
            }
            assertThat(slow.isDone()).as("the other session's calls finished while the slow answer still dribbled").isFalse();
            assertThat(others).as("other session's call times").allMatch(d -> d.compareTo(Duration.ofSeconds(1)) < 0);

            byte[] answer = slow.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer).hasSize(300);
            assertThat(Json.tree(answer).path("count").asInt()).isEqualTo(2);
            assertThat(elapsed(start)).isGreaterThan(Duration.ofMillis(2_500)).isLessThan(DEADLINE);
        }
        assertRecovers(slowSession);
    }

    /** A session whose agent is up and has answered once. */
    private static String warmSession() {
        String session = Invoker.newSessionId();
        assertThat(count(session)).isEqualTo(1);
        return session;
    }

    private static int count(String session) {
        return invoker.invoke(session, "{}").path("count").asInt();
    }

    private static void assertRecovers(String session) {
        var answer = invoker.invoke(session, "{}");
        assertThat(answer.path("count").asInt()).as("the next call on the session succeeds").isPositive();
    }

    private static void assertRuntimeClientErrorWithin(Runnable call) {
        long start = System.nanoTime();
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RuntimeClientErrorException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(424);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RuntimeClientError");
        });
        assertThat(elapsed(start)).isLessThan(DEADLINE);
    }

    /**
     * Two events arrive, then the stream must end in a way the caller can tell from a complete answer: an error
     * raised while reading (the cut), or an {@code event: error} the proxy added.
     */
    private static void assertStreamEndsInError(String session, String fault) {
        long start = System.nanoTime();
        var events = new ArrayList<String>();
        Throwable failure = null;
        try (var body = hearth.clients().data().invokeAgentRuntime(r -> r.agentRuntimeArn(agent.arn())
                .runtimeSessionId(session)
                .contentType("application/json")
                .accept("text/event-stream")
                .payload(SdkBytes.fromUtf8String("{\"fault\": \"" + fault + "\"}")))) {
            var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) {
                    events.add(line);
                }
            }
        } catch (Exception e) {
            failure = e;
        }
        assertThat(elapsed(start)).isLessThan(DEADLINE);
        assertThat(events).as("the events sent before the cut").contains("data: {\"index\": 0}", "data: {\"index\": 1}");
        List<String> errorEvents = events.stream().filter(l -> l.equals("event: error")).toList();
        assertThat(failure != null || !errorEvents.isEmpty())
                .as("the stream ended in an error, not as if complete; lines: %s", events).isTrue();
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
