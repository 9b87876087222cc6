package io.hearth.tests.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hearth.session.SessionInfo;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcore.model.ServiceQuotaExceededException;

/**
 * Each kind of session budget, set by runtime tags, ends a session with the end reason {@code budget}; the request
 * that crossed it and the later ones on that session id are refused, naming the budget, until the id is stopped.
 */
class SessionBudgetTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    @Test
    void anInvocationBudgetEndsTheSessionAtTheCallPastIt() {
        Invoker invoker = counter(Map.of("hearth:budget:invocations", "2"));
        String session = Invoker.newSessionId();
        assertThat(invoker.count(session)).isEqualTo(1);
        assertThat(invoker.count(session)).isEqualTo(2);

        assertThatThrownBy(() -> invoker.count(session)).isInstanceOf(ServiceQuotaExceededException.class)
                .hasMessageContaining("invocations budget of 2 invocations was used up");
        SessionInfo ended = ended(session);
        assertThat(ended.endReason()).contains("budget");
        assertThat(ended.endDetail().orElseThrow()).contains("invocations budget of 2 invocations", "value: 3");

        // The id stays refused, rather than handing a runaway caller a fresh sandbox...
        assertThatThrownBy(() -> invoker.count(session)).isInstanceOf(ServiceQuotaExceededException.class)
                .hasMessageContaining("invocations budget");
        // ...until it is stopped: then it starts afresh.
        invoker.stop(session);
        assertThat(invoker.count(session)).isEqualTo(1);
    }

    @Test
    void aStreamedBytesBudgetEndsARunawayStream() {
        Invoker invoker = counter(Map.of("hearth:budget:streamedBytes", "4000"));
        String session = Invoker.newSessionId();
        // An answer that would stream for 1,000 s: the budget cuts it after about 4,000 bytes.
        long started = System.nanoTime();
        assertThatThrownBy(() -> invoker.invoke(session, "{\"stream\": 100000, \"delayMs\": 10}")).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));

        SessionInfo ended = ended(session);
        assertThat(ended.endReason()).contains("budget");
        assertThat(ended.endDetail().orElseThrow()).contains("streamedBytes budget of 4000 bytes");
        assertThatThrownBy(() -> invoker.count(session)).isInstanceOf(ServiceQuotaExceededException.class)
                .hasMessageContaining("streamedBytes budget of 4000 bytes");
    }

    @Test
    void aWallClockBudgetEndsASessionWhateverItIsDoing() {
        Invoker invoker = counter(Map.of("hearth:budget:wallClockSeconds", "2"));
        String session = Invoker.newSessionId();
        long started = System.nanoTime();
        // A request that would take 30 s is cut when the session's 2 s are up, and hears why.
        assertThatThrownBy(() -> invoker.invoke(session, "{\"sleep\": 30}")).isInstanceOf(ServiceQuotaExceededException.class)
                .hasMessageContaining("ended while the request was in flight", "wallClockSeconds budget of 2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));

        SessionInfo ended = ended(session);
        assertThat(ended.endReason()).contains("budget");
        assertThat(ended.endDetail().orElseThrow()).contains("wallClockSeconds budget of 2 s");
        assertThatThrownBy(() -> invoker.count(session)).isInstanceOf(ServiceQuotaExceededException.class)
                .hasMessageContaining("wallClockSeconds budget of 2 s");
    }

    @Test
    void aCpuBudgetStopsAnAgentThatBurnsCpu() {
        // CPU time is read from the sandbox's cgroup: the namespaces driver keeps one per sandbox.
        Agents.Runtime runtime = hearth.agents().deploy("hearth-tests/src/test/resources/agents/cpu-burner",
                "PYTHON_3_12", "agent.py", null, Map.of(),
                Map.of("hearth:budget:cpuSeconds", "1", "hearth:isolation", "namespaces"));
        String session = Invoker.newSessionId();
        hearth.clients().data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(runtime.arn()).runtimeSessionId(session)
                .payload(SdkBytes.fromUtf8String("{}")));

        SessionInfo ended = ended(session);
        assertThat(ended.endReason()).contains("budget");
        assertThat(ended.endDetail().orElseThrow()).contains("cpuSeconds budget of 1 s");
        assertThatThrownBy(() -> hearth.clients().data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(runtime.arn())
                .runtimeSessionId(session).payload(SdkBytes.fromUtf8String("{}"))))
                .isInstanceOf(ServiceQuotaExceededException.class).hasMessageContaining("cpuSeconds budget");
    }

    @Test
    void anEndpointsOwnBudgetWinsOverTheRuntimes() {
        Invoker invoker = counter(Map.of("hearth:budget:invocations", "1", "hearth:budget:DEFAULT:invocations", "3"));
        String session = Invoker.newSessionId();
        assertThat(invoker.count(session)).isEqualTo(1);
        assertThat(invoker.count(session)).isEqualTo(2);
        assertThat(invoker.count(session)).isEqualTo(3);
        assertThatThrownBy(() -> invoker.count(session)).isInstanceOf(ServiceQuotaExceededException.class)
                .hasMessageContaining("invocations budget of 3 invocations");
    }

    @Test
    void aBadBudgetTagIsRefusedAtCreateAgentRuntime() {
        assertThatThrownBy(() -> counter(Map.of("hearth:budget:invocations", "0")))
                .hasMessageContaining("hearth:budget:invocations: 0 (expected: a whole number from 1");
        assertThatThrownBy(() -> counter(Map.of("hearth:budget:tokens", "5")))
                .hasMessageContaining("hearth:budget:tokens: not a Hearth setting");
    }

    private static Invoker counter(Map<String, String> tags) {
        Agents.Runtime runtime = hearth.agents().deploy("examples/python-counter", "PYTHON_3_12", "agent.py", null,
                Map.of(), tags);
        return new Invoker(hearth.clients().data(), runtime.arn());
    }

    private static SessionInfo ended(String session) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> find(session).isPresent());
        return find(session).orElseThrow();
    }

    private static Optional<SessionInfo> find(String session) {
        return hearth.server().sessions().all().stream()
                .filter(s -> s.sessionId().equals(session) && s.endedAt().isPresent()).findFirst();
    }
}
