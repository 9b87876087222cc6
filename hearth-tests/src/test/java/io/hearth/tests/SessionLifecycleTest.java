package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
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
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.LifecycleConfiguration;

/** Idle timeout, max lifetime and HealthyBusy, with the short settings a test server allows. */
class SessionLifecycleTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    @Test
    void anIdleSessionEndsAfterItsIdleTimeoutAndTheNextCallStartsFresh() {
        Invoker invoker = invoker(2, 600);
        String session = Invoker.newSessionId();
        invoker.count(session);
        invoker.count(session);

        SessionInfo ended = awaitEnd(session, Duration.ofSeconds(15));
        assertThat(ended.endReason()).contains("idle-timeout");
        assertThat(Duration.between(ended.lastActivityAt(), ended.endedAt().orElseThrow())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(invoker.count(session)).isEqualTo(1);
    }

    @Test
    void regularCallsKeepASessionAliveUntilItsMaxLifetime() throws InterruptedException {
        Invoker invoker = invoker(2, 6);
        String session = Invoker.newSessionId();
        int calls = 0;
        int count = 0;
        // Calls closer than the idle timeout, for as long as the lifetime leaves room (a cold start may take seconds).
        do {
            count = invoker.count(session);
            calls++;
            Thread.sleep(500);
        } while (Duration.between(live(session).orElseThrow().createdAt(), java.time.Instant.now()).toMillis() < 5_000);
        assertThat(calls).isGreaterThanOrEqualTo(2);
        assertThat(count).as("the session lived through calls closer than its idle timeout").isEqualTo(calls);

        SessionInfo ended = awaitEnd(session, Duration.ofSeconds(15));
        assertThat(ended.endReason()).contains("max-lifetime");
        assertThat(Duration.between(ended.createdAt(), ended.endedAt().orElseThrow())).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(10));
    }

    @Test
    void healthyBusyKeepsAnIdleSessionAlive() throws InterruptedException {
        Invoker invoker = invoker(2, 600);
        String session = Invoker.newSessionId();
        invoker.invoke(session, "{\"busy\": 5}");

        Thread.sleep(4_000);
        assertThat(live(session)).as("busy for 5 s: not idle after 4 s, though the idle timeout is 2 s").isPresent();
        assertThat(live(session).orElseThrow().agentStatus()).contains("HealthyBusy");

        SessionInfo ended = awaitEnd(session, Duration.ofSeconds(15));
        assertThat(ended.endReason()).contains("idle-timeout");
    }

    @Test
    void aLongRequestInFlightIsNeverIdle() {
        Invoker invoker = invoker(1, 600);
        String session = Invoker.newSessionId();
        assertThat(invoker.invoke(session, "{\"sleep\": 3}").path("count").asInt()).isEqualTo(1);
        assertThat(invoker.count(session)).as("same sandbox after a 3 s call with a 1 s idle timeout").isEqualTo(2);
    }

    private static Invoker invoker(int idleSeconds, int maxLifetimeSeconds) {
        Agents.Runtime runtime = hearth.agents().pythonCounter(LifecycleConfiguration.builder()
                .idleRuntimeSessionTimeout(idleSeconds).maxLifetime(maxLifetimeSeconds).build(), Map.of());
        return new Invoker(hearth.clients().data(), runtime.arn());
    }

    private static Optional<SessionInfo> live(String session) {
        return hearth.server().sessions().live().stream().filter(s -> s.sessionId().equals(session)).findFirst();
    }

    private static SessionInfo awaitEnd(String session, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> live(session).isEmpty());
        return hearth.server().sessions().all().stream()
                .filter(s -> s.sessionId().equals(session) && s.endedAt().isPresent())
                .reduce((a, b) -> b).orElseThrow();
    }
}
