package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Leftovers;
import io.hearth.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;

/** A server killed with SIGKILL leaves agents running; the next start on the same data dir reclaims them. */
class RestartTest {
    Path data;

    @BeforeEach
    void dataDir() throws Exception {
        data = Files.createTempDirectory("hearth-restart-");
    }

    @AfterEach
    void cleanUp() {
        HearthExtension.deleteTree(data);
    }

    @Test
    void runtimesSurviveAndNoAgentIsOrphanedAfterSigkillAndRestart() throws Exception {
        Agents.Runtime runtime;
        String session = Invoker.newSessionId();
        List<Long> agents;
        try (var first = ServerProcess.start(data, List.of())) {
            var clients = Clients.of(first.endpoint());
            runtime = new Agents(clients, data).pythonCounter();
            var invoker = new Invoker(clients.data(), runtime.arn());
            invoker.count(session);
            assertThat(invoker.count(session)).isEqualTo(2);

            agents = agentsOf(first.pid());
            assertThat(agents).as("the session's agent runs").isNotEmpty();
            first.kill();
            assertThat(agents).as("SIGKILL leaves the agent running").allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }

        try (var second = ServerProcess.start(data, List.of())) {
            assertThat(agents).as("the restart reclaimed the orphans").noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertThat(agentsOf(second.pid())).isEmpty();

            var clients = Clients.of(second.endpoint());
            var status = clients.control().getAgentRuntime(r -> r.agentRuntimeId(runtime.id())).status();
            assertThat(status).isEqualTo(AgentRuntimeStatus.READY);
            assertThat(new Invoker(clients.data(), runtime.arn()).count(session)).as("a fresh sandbox").isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Leftovers.processesMentioning(data.toString()).isEmpty());
    }

    private List<Long> agentsOf(long serverPid) {
        return Leftovers.processesMentioning(data.resolve("sandboxes").toString()).stream().filter(pid -> pid != serverPid).toList();
    }
}
