package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hearth.session.SessionInfo;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Leftovers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcore.model.RuntimeClientErrorException;

/** What a session does when its agent crashes or hangs: real server, real agent processes, the AWS SDK client. */
class SessionFaultsTest {
    private static final int UNHEALTHY_AFTER = 3;
    private static final Pattern PINGS_OPEN = Pattern.compile("pings open: (\\d+)");

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(
            c -> c.withSessions(c.sessions().withUnhealthyAfter(UNHEALTHY_AFTER)));

    @Test
    void theCallAfterACrashGetsAFreshSandboxNotTheDeadOne() {
        Invoker invoker = faultyAgent();
        String session = Invoker.newSessionId();
        for (int round = 1; round <= 3; round++) {
            assertThat(invoker.count(session)).as("round %d starts on a fresh sandbox", round).isEqualTo(1);
            String before = live(session).orElseThrow().sandboxId();

            assertThatThrownBy(() -> invoker.invoke(session, "{\"crash\": 3}"))
                    .isInstanceOf(RuntimeClientErrorException.class)
                    .satisfies(e -> assertThat(((RuntimeClientErrorException) e).statusCode()).isEqualTo(424));

            // At once, before the exit notification may have arrived: never routed to the dead sandbox.
            assertThat(invoker.count(session)).as("round %d: the next call after the crash", round).isEqualTo(1);
            assertThat(live(session).orElseThrow().sandboxId()).isNotEqualTo(before);
            assertThat(invoker.count(session)).isEqualTo(2);
            invoker.stop(session);
        }
    }

    @Test
    void theCallRightAfterTheAgentIsKilledFromOutsideGetsAFreshSandbox() {
        Invoker invoker = faultyAgent();
        String session = Invoker.newSessionId();
        assertThat(invoker.count(session)).isEqualTo(1);
        // Five kills in a row: each time the call races Hearth's noticing of the death, and must never meet it.
        for (int round = 1; round <= 5; round++) {
            String before = live(session).orElseThrow().sandboxId();
            killAgent(before);
            // The whole body reaches the fresh agent, even when the call first went to the dead one.
            var answer = invoker.invoke(session, "{\"echo\": \"round " + round + "\"}");
            assertThat(answer.path("count").asInt()).as("round %d: the call right after the kill", round).isEqualTo(1);
            assertThat(answer.path("echo").asText()).isEqualTo("round " + round);
            assertThat(live(session).orElseThrow().sandboxId()).as("round %d: its sandbox", round).isNotEqualTo(before);
        }
        invoker.stop(session);
    }

    @Test
    void aHangingPingIsNeverPiledOnAndEndsTheSessionAsUnhealthy() throws IOException {
        Invoker invoker = faultyAgent();
        String session = Invoker.newSessionId();
        assertThat(invoker.invoke(session, "{\"hangPings\": true}").path("count").asInt()).isEqualTo(1);

        // Each ping waits its 2 s timeout; the ticker runs every 200 ms.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> live(session).isEmpty());
        SessionInfo ended = hearth.server().sessions().all().stream()
                .filter(s -> s.sessionId().equals(session) && s.endedAt().isPresent())
                .findFirst().orElseThrow();
        assertThat(ended.endReason()).contains("unhealthy");
        assertThat(ended.endDetail().orElseThrow()).contains(UNHEALTHY_AFTER + " pings in a row");

        int pings = 0;
        int mostAtOnce = 0;
        Matcher m = PINGS_OPEN.matcher(Files.readString(Path.of(ended.logFile())));
        while (m.find()) {
            pings++;
            mostAtOnce = Math.max(mostAtOnce, Integer.parseInt(m.group(1)));
        }
        assertThat(pings).as("pings the agent saw").isGreaterThanOrEqualTo(UNHEALTHY_AFTER);
        assertThat(mostAtOnce).as("pings open at the agent at once").isEqualTo(1);
    }

    private static Invoker faultyAgent() {
        Agents.Runtime runtime = hearth.agents().deploy("hearth-tests/src/test/agents/session-faults", "PYTHON_3_12",
                "agent.py", null, Map.of(), Map.of());
        return new Invoker(hearth.clients().data(), runtime.arn());
    }

    /** SIGKILLs the agent's own process (not the driver's launcher) and returns once it no longer runs. */
    private static void killAgent(String sandboxId) {
        List<Long> agents = Leftovers.processesMentioning(sandboxId).stream()
                .filter(pid -> argv(pid).size() > 1 && argv(pid).get(0).contains("python") && argv(pid).contains("agent.py"))
                .toList();
        assertThat(agents).as("the agent process of sandbox %s", sandboxId).hasSize(1);
        long pid = agents.get(0);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> !Leftovers.running(pid));
    }

    private static List<String> argv(long pid) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
        } catch (IOException e) {
            return List.of(); // it ended meanwhile
        }
    }

    private static Optional<SessionInfo> live(String session) {
        return hearth.server().sessions().live().stream().filter(s -> s.sessionId().equals(session)).findFirst();
    }
}
