package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.server.DataDirInUseException;
import io.hearth.server.HearthServer;
import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Leftovers;
import io.hearth.testing.ServerProcess;
import io.hearth.testing.Signed;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
        String sandboxId;
        try (var first = ServerProcess.start(data, List.of())) {
            var clients = Clients.of(first.endpoint());
            runtime = new Agents(clients, data).pythonCounter();
            var invoker = new Invoker(clients.data(), runtime.arn());
            invoker.count(session);
            assertThat(invoker.count(session)).isEqualTo(2);

            sandboxId = sandboxOf(first, session);
            agents = Leftovers.processesMentioning(sandboxId).stream().filter(pid -> pid != first.pid()).toList();
            assertThat(agents).as("the session's agent runs").isNotEmpty();
            first.kill();
            assertThat(agents).as("SIGKILL leaves the agent running").allMatch(Leftovers::running);
        }

        try (var second = ServerProcess.start(data, List.of())) {
            assertThat(agents).as("the restart reclaimed the orphans").noneMatch(Leftovers::running);
            assertThat(Leftovers.processesMentioning(sandboxId)).as("nothing of the old sandbox runs").isEmpty();

            var clients = Clients.of(second.endpoint());
            var status = clients.control().getAgentRuntime(r -> r.agentRuntimeId(runtime.id())).status();
            assertThat(status).isEqualTo(AgentRuntimeStatus.READY);
            assertThat(new Invoker(clients.data(), runtime.arn()).count(session)).as("a fresh sandbox").isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Leftovers.processesMentioning(data.toString()).isEmpty());
    }

    @Test
    void aSecondServerOnALiveDataDirIsRefusedAndLeavesTheFirstServersSandboxesAlone() throws Exception {
        try (var first = ServerProcess.start(data, List.of())) {
            var clients = Clients.of(first.endpoint());
            var runtime = new Agents(clients, data).pythonCounter();
            var invoker = new Invoker(clients.data(), runtime.arn());
            String session = Invoker.newSessionId();
            assertThat(invoker.count(session)).isEqualTo(1);
            List<Long> agents = Leftovers.processesMentioning(sandboxOf(first, session)).stream()
                    .filter(pid -> pid != first.pid()).toList();

            var refused = assertThatThrownBy(() -> HearthServer.start(HearthExtension.testConfig(data)));
            refused.isInstanceOf(DataDirInUseException.class)
                    .hasMessageContaining("data dir " + data.toAbsolutePath() + " is in use by another Hearth (pid " + first.pid() + ")")
                    .hasMessageContaining("(expected: one server per data dir");

            assertThat(agents).as("the refused server reclaimed nothing").isNotEmpty().allMatch(Leftovers::running);
            assertThat(invoker.count(session)).as("the same live sandbox").isEqualTo(2);
        }
    }

    /** The session's sandbox id; its processes name it in their cgroup, command line or environment. */
    private static String sandboxOf(ServerProcess server, String session) throws Exception {
        var sessions = HttpClient.newHttpClient().send(Signed.get(
                        server.endpoint().resolve("/hearth/v1/sessions?sessionId=" + session)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        String sandboxId = Json.tree(sessions.body()).path("sessions").path(0).path("sandboxId").asString();
        assertThat(sandboxId).startsWith("sb-");
        return sandboxId;
    }
}
