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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcore.model.RuntimeClientErrorException;

/**
 * Agents that never come up, or go down as soon as they are up: the caller gets {@code RuntimeClientError} within
 * the readiness deadline, the failed sandbox leaves nothing on the host, and once the runtime is repaired (a new
 * version) the same session id works. The failed sandbox is torn down by the driver, so this runs under each.
 */
class AgentStartFaultTest {
    private static final Duration READINESS = Duration.ofSeconds(4);
    /** The readiness deadline plus the time a driver may take to start and tear down a sandbox. */
    private static final Duration DEADLINE = READINESS.plusSeconds(6);

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(c -> c.withSessions(c.sessions().withReadinessTimeout(READINESS)));

    @Test
    void anAgentThatNeverBindsIsNotReadyInTime() {
        failsToStartThenRecovers("hang-before-ready");
    }

    @Test
    void anAgentThatNeverAnswersPingWith200IsNotReadyInTime() {
        failsToStartThenRecovers("no-ping");
    }

    @Test
    void anAgentThatExitsRightAfterReadyIsARuntimeClientError() {
        failsToStartThenRecovers("exit-after-ready");
    }

    private static void failsToStartThenRecovers(String fault) {
        Agents.Runtime runtime = hearth.agents().faultAgent(Map.of("FAULT", fault));
        var invoker = new Invoker(hearth.clients().data(), runtime.arn());
        String session = Invoker.newSessionId();

        long start = System.nanoTime();
        assertThatThrownBy(() -> invoker.invoke(session, "{}")).isInstanceOfSatisfying(RuntimeClientErrorException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(424);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RuntimeClientError");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE);

        SessionInfo failed = hearth.server().sessions().all().stream()
                .filter(s -> s.sessionId().equals(session)).reduce((a, b) -> b).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(Leftovers.ofSandbox(failed.sandboxId(), failed.agentAddress().orElse("")))
                        .as("what the failed sandbox left").isEmpty());

        hearth.agents().updateFaultAgent(runtime, Map.of());
        assertThat(invoker.invoke(session, "{}").path("count").asInt()).as("the same session on the repaired runtime").isEqualTo(1);
    }
}
