package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.deployment.HearthTags;
import io.hearth.session.SessionInfo;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Leftovers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcore.model.RuntimeClientErrorException;
import tools.jackson.databind.JsonNode;

/**
 * The escape battery through Hearth itself, under whichever isolating driver the suite runs with
 * ({@code -Dhearth.test.isolation}): a probe agent in one session tries to reach the host, Hearth and its
 * neighbour; every attempt fails, limits hold, and the neighbour keeps answering.
 */
class IsolationTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static Invoker probe;
    /** Roomy in memory, tight in processes: a fork bomb must hit the pids limit, not the memory one. */
    static Invoker roomyProbe;

    @BeforeAll
    static void deploy() {
        assumeThat(HearthExtension.isolation()).as("the escape battery is about isolating drivers").isNotEqualTo("process");
        Agents.Runtime runtime = hearth.agents().deploy("hearth-sandbox/src/test/resources/probe", "PYTHON_3_12", "probe.py",
                null, Map.of(), Map.of(HearthTags.MEMORY_MIB, "256", HearthTags.PIDS, "64", HearthTags.WORKSPACE_MIB, "16",
                        HearthTags.VCPUS, "1"));
        probe = new Invoker(hearth.clients().data(), runtime.arn());
        Agents.Runtime roomy = hearth.agents().deploy("hearth-sandbox/src/test/resources/probe", "PYTHON_3_12", "probe.py",
                null, Map.of(), Map.of(HearthTags.MEMORY_MIB, "2048", HearthTags.PIDS, "32", HearthTags.WORKSPACE_MIB, "16"));
        roomyProbe = new Invoker(hearth.clients().data(), roomy.arn());
    }

    @Test
    void aSessionCannotReachTheHostHearthOrItsNeighbour() {
        String attacker = Invoker.newSessionId();
        String neighbour = Invoker.newSessionId();
        probe.invoke(neighbour, "{\"action\": \"escape\", \"write\": [\"/tmp/neighbour-secret\"]}");
        probe.invoke(attacker, "{\"action\": \"escape\"}");
        SessionInfo victim = session(neighbour);
        Path neighbourState = hearth.dataDir().resolve("sandboxes").resolve(HearthExtension.isolation()).resolve(victim.sandboxId());
        String neighbourAgent = victim.agentAddress().orElseThrow();

        JsonNode results = probe.invoke(attacker, Json.writeString(Map.of(
                "action", "escape",
                "read", List.of(neighbourState + "/workspace", hearth.dataDir().toString(), hearth.dataDir() + "/hearth.db",
                        "/root", "/etc/shadow"),
                "signal", List.of(ProcessHandle.current().pid(), 1),
                "connect", List.of(
                        List.of("127.0.0.1", hearth.endpoint().getPort()),
                        List.of(host(neighbourAgent), port(neighbourAgent))))));

        assertThat(results.path("read " + neighbourState + "/workspace").path("ok").asBoolean()).isFalse();
        assertThat(results.path("read " + hearth.dataDir()).path("ok").asBoolean()).isFalse();
        assertThat(results.path("read " + hearth.dataDir() + "/hearth.db").path("ok").asBoolean()).isFalse();
        assertThat(results.path("read /root").path("ok").asBoolean()).isFalse();
        assertThat(results.path("read /etc/shadow").path("ok").asBoolean()).isFalse();
        assertThat(results.path("signal " + ProcessHandle.current().pid()).path("ok").asBoolean())
                .as("the host's processes are invisible").isFalse();
        assertThat(results.path("connect 127.0.0.1:" + hearth.endpoint().getPort()).path("ok").asBoolean())
                .as("Hearth's own port").isFalse();
        assertThat(results.path("connect " + host(neighbourAgent) + ":" + port(neighbourAgent)).path("ok").asBoolean())
                .as("the neighbour's agent").isFalse();
        assertThat(results.path("unshare user").path("ok").asBoolean()).isFalse();
        assertThat(results.path("capEff").asString()).isEqualTo("0000000000000000");
        assertThat(results.path("pids").size()).as("only its own processes: " + results.path("pids")).isLessThan(10);

        assertThat(probe.invoke(neighbour, "{\"action\": \"escape\", \"read\": [\"/tmp/neighbour-secret\"]}")
                .path("read /tmp/neighbour-secret").path("value").asString())
                .as("the neighbour still answers, with its files intact").isEqualTo("probe");
    }

    @Test
    void exceedingMemoryEndsOnlyThatSessionWithReasonOom() {
        String hog = Invoker.newSessionId();
        String neighbour = Invoker.newSessionId();
        probe.invoke(neighbour, "{\"action\": \"escape\"}");
        assertThatThrownBy(() -> probe.invoke(hog, "{\"action\": \"alloc\", \"mib\": 1024}"))
                .isInstanceOf(RuntimeClientErrorException.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> ended(hog));
        assertThat(session(hog).endReason()).contains("oom");
        assertThat(probe.invoke(neighbour, "{\"action\": \"escape\"}").path("uid").isNumber()).isTrue();
    }

    @Test
    void processAndDiskLimitsHold() {
        String session = Invoker.newSessionId();
        JsonNode forks = roomyProbe.invoke(session, "{\"action\": \"forkbomb\", \"max\": 1000, \"reap\": true}");
        assertThat(forks.path("children").asInt()).isLessThan(32);
        assertThat(forks.path("failure").asString()).isEqualTo("EAGAIN");

        JsonNode fill = roomyProbe.invoke(session, "{\"action\": \"fill\", \"maxMiB\": 64}");
        assertThat(fill.path("written").asLong()).isLessThanOrEqualTo(16L << 20);
        assertThat(fill.path("failure").asString()).isEqualTo("ENOSPC");
    }

    @Test
    void nothingOfAStoppedSessionKeepsRunning() {
        String session = Invoker.newSessionId();
        probe.invoke(session, "{\"action\": \"escape\"}");
        String sandboxId = session(session).sandboxId();
        probe.stop(session);
        assertThat(session(session).endReason()).contains("stopped");
        await().atMost(Duration.ofSeconds(10)).until(() -> Leftovers.processesMentioning(sandboxId).isEmpty());
    }

    @Test
    void aRuntimeTagPicksItsOwnDriver() {
        String other = HearthExtension.isolation().equals("gvisor") ? "namespaces" : "gvisor";
        Agents.Runtime runtime = hearth.agents().deploy("examples/python-counter", "PYTHON_3_12", "agent.py", null,
                Map.of(), Map.of(HearthTags.ISOLATION, other));
        var counter = new Invoker(hearth.clients().data(), runtime.arn());
        String session = Invoker.newSessionId();
        assertThat(counter.count(session)).isEqualTo(1);
        assertThat(session(session).driver()).isEqualTo(other);
        assertThat(hearth.server().isolation()).as("the server's default is unchanged").isEqualTo(HearthExtension.isolation());
    }

    private static SessionInfo session(String sessionId) {
        return hearth.server().sessions().find(s -> s.sessionId().equals(sessionId)).orElseThrow();
    }

    private static boolean ended(String sessionId) {
        return hearth.server().sessions().find(s -> s.sessionId().equals(sessionId)).flatMap(SessionInfo::endedAt).isPresent();
    }

    private static String host(String address) {
        return address.substring(0, address.lastIndexOf(':'));
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }
}
