package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hearth.session.SessionInfo;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Leftovers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcore.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockagentcore.model.RuntimeClientErrorException;

class SessionAffinityTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static Agents.Runtime counter;
    static Invoker invoker;

    @BeforeAll
    static void deploy() {
        counter = hearth.agents().pythonCounter();
        invoker = new Invoker(hearth.clients().data(), counter.arn());
    }

    @Test
    void sameSessionKeepsMemoryAndAnotherSessionStartsFresh() {
        String one = Invoker.newSessionId();
        String two = Invoker.newSessionId();

        assertThat(List.of(invoker.count(one), invoker.count(one), invoker.count(one))).containsExactly(1, 2, 3);
        assertThat(invoker.count(two)).isEqualTo(1);
        assertThat(invoker.count(one)).isEqualTo(4);
    }

    @Test
    void filesWrittenInTheWorkspaceSurviveBetweenCalls() {
        String session = Invoker.newSessionId();
        invoker.invoke(session, "{\"write\":{\"path\":\"notes.txt\",\"content\":\"remember me\"}}");

        assertThat(invoker.invoke(session, "{\"read\":\"notes.txt\"}").path("content").asString()).isEqualTo("remember me");
        assertThat(invoker.invoke(Invoker.newSessionId(), "{\"read\":\"notes.txt\"}").path("content").isNull()).isTrue();
    }

    @Test
    void theResponseCarriesTheSessionIdAndAMissingOneIsGenerated() {
        String session = Invoker.newSessionId();
        var response = hearth.clients().data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(counter.arn())
                .runtimeSessionId(session).payload(SdkBytes.fromUtf8String("{}")));
        assertThat(response.response().runtimeSessionId()).isEqualTo(session);
        assertThat(response.response().contentType()).startsWith("application/json");
    }

    @Test
    void stopEndsTheSessionAtOnceAndTheNextCallStartsFresh() {
        String session = Invoker.newSessionId();
        invoker.count(session);
        invoker.count(session);
        String sandbox = liveSession(session).sandboxId();

        invoker.stop(session);

        assertThat(hearth.server().sessions().live()).noneMatch(s -> s.sessionId().equals(session));
        assertThat(Leftovers.processesMentioning(sandbox)).isEmpty();
        assertThat(hearth.dataDir().resolve("sandboxes/process").resolve(sandbox)).doesNotExist();
        assertThat(ended(session).endReason()).contains("stopped");
        assertThat(invoker.count(session)).isEqualTo(1);
    }

    @Test
    void stoppingAnUnknownSessionIsNotFound() {
        assertThatThrownBy(() -> invoker.stop(Invoker.newSessionId())).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void fiftyConcurrentFirstRequestsShareOneSandbox() throws Exception {
        String session = Invoker.newSessionId();
        var calls = new ArrayList<Callable<Integer>>();
        for (int i = 0; i < 50; i++) {
            calls.add(() -> invoker.count(session));
        }
        List<Integer> counts = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(50)) {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                counts.add(f.get());
            }
        }
        // One sandbox counted every call: the counts are exactly 1..50.
        assertThat(counts).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 50).boxed().toList());
        assertThat(hearth.server().sessions().all()).filteredOn(s -> s.sessionId().equals(session)).hasSize(1);
    }

    @Test
    void anAgentThatExitsEndsItsSessionWithAReasonAndTheNextCallStartsFresh() {
        String session = Invoker.newSessionId();
        invoker.count(session);
        invoker.invoke(session, "{\"exit\":3}");

        await().atMost(Duration.ofSeconds(10)).until(() -> hearth.server().sessions().live().stream()
                .noneMatch(s -> s.sessionId().equals(session)));
        SessionInfo ended = ended(session);
        assertThat(ended.endReason()).contains("agent-exited");
        assertThat(ended.endDetail().orElseThrow()).contains("code 3");
        assertThat(invoker.count(session)).isEqualTo(1);
    }

    @Test
    void anAgentErrorStatusBecomesRuntimeClientError() {
        assertThatThrownBy(() -> invoker.invoke(Invoker.newSessionId(), "{\"status\":500}"))
                .isInstanceOf(RuntimeClientErrorException.class)
                .hasMessageContaining("Received error (500)");
    }

    static SessionInfo liveSession(String sessionId) {
        return hearth.server().sessions().live().stream().filter(s -> s.sessionId().equals(sessionId)).findFirst().orElseThrow();
    }

    static SessionInfo ended(String sessionId) {
        return hearth.server().sessions().all().stream()
                .filter(s -> s.sessionId().equals(sessionId) && s.endedAt().isPresent())
                .reduce((first, second) -> second).orElseThrow();
    }
}
