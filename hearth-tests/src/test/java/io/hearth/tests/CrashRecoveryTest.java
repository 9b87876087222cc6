package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.api.Workers;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeEndpointStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;

/**
 * A server SIGKILLed under load, three times over, with live sessions and calls in flight: each restart on the same
 * data dir keeps every runtime and endpoint, reclaims every sandbox the dead run left (no process, cgroup, mount or
 * netns of it remains) and serves new calls, on the old session ids too.
 */
class CrashRecoveryTest {
    private static final int ROUNDS = 3;
    private static final int SESSIONS = 3;

    Path data;
    /** The sandboxes that were live when the server was last killed. */
    private List<LiveSandbox> previous = List.of();

    @BeforeEach
    void dataDir() throws Exception {
        data = Files.createTempDirectory("hearth-crash-");
    }

    @AfterEach
    void cleanUp() {
        HearthExtension.deleteTree(data);
    }

    /** A sandbox of a live session, as the sessions API shows it. */
    record LiveSandbox(String sessionId, String sandboxId, String agentAddress) {}

    @Test
    void killedUnderLoadThreeTimesTheServerKeepsItsRecordsReclaimsItsSandboxesAndServes() throws Exception {
        var runtimes = new ArrayList<Agents.Runtime>();
        var sessions = new ArrayList<String>();
        for (int i = 0; i < SESSIONS; i++) {
            sessions.add(Invoker.newSessionId());
        }
        for (int round = 1; round <= ROUNDS; round++) {
            List<LiveSandbox> before;
            try (var server = ServerProcess.start(data, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"))) {
                var clients = Clients.of(server.endpoint());
                for (Agents.Runtime earlier : runtimes) {
                    assertRecordsKept(clients, earlier);
                }
                for (LiveSandbox old : previous) {
                    assertThat(Leftovers.ofSandbox(old.sandboxId(), old.agentAddress()))
                            .as("what the killed run's sandbox %s left after the restart", old.sandboxId()).isEmpty();
                }
                for (Agents.Runtime earlier : runtimes) {
                    var invoker = new Invoker(clients.data(), earlier.arn());
                    assertThat(invoker.count(sessions.getFirst())).as("an old session id gets a fresh sandbox").isEqualTo(1);
                    assertThat(Json.tree(clients.data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(earlier.arn())
                                    .qualifier("live").runtimeSessionId(Invoker.newSessionId())
                                    .payload(SdkBytes.fromUtf8String("{}"))).asByteArray()).path("count").asInt())
                            .as("the named endpoint serves").isEqualTo(1);
                }

                Agents.Runtime runtime = new Agents(clients, data).faultAgent(Map.of());
                clients.control().createAgentRuntimeEndpoint(c -> c.agentRuntimeId(runtime.id()).name("live").agentRuntimeVersion("1"));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> clients.control()
                        .getAgentRuntimeEndpoint(g -> g.agentRuntimeId(runtime.id()).endpointName("live")).status()
                        == AgentRuntimeEndpointStatus.READY);
                runtimes.add(runtime);

                before = killUnderLoad(server, clients, runtime, sessions);
                assertThat(before).as("live sandboxes at the kill").hasSizeGreaterThanOrEqualTo(SESSIONS);
            }
            previous = before;
        }
        try (var last = ServerProcess.start(data, List.of("-XX:TieredStopAtLevel=1"))) {
            var clients = Clients.of(last.endpoint());
            for (Agents.Runtime runtime : runtimes) {
                assertRecordsKept(clients, runtime);
            }
            for (LiveSandbox old : previous) {
                assertThat(Leftovers.ofSandbox(old.sandboxId(), old.agentAddress())).isEmpty();
            }
            assertThat(new Invoker(clients.data(), runtimes.getLast().arn()).count(sessions.getLast())).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(Leftovers.processesMentioning(data.toString())).as("processes of the data dir").isEmpty();
            assertThat(Leftovers.mountsUnder(data)).as("mounts under the data dir").isEmpty();
        });
    }

    /**
     * Warms the sessions, then keeps calls flowing (quick ones and slow answers that are mid-flight) and SIGKILLs
     * the server among them. The load stops by itself: it is bounded in calls and ends when the server dies.
     */
    private static List<LiveSandbox> killUnderLoad(ServerProcess server, Clients clients, Agents.Runtime runtime,
            List<String> sessions) throws Exception {
        var invoker = new Invoker(clients.data(), runtime.arn());
        for (String session : sessions) {
            assertThat(invoker.count(session)).isEqualTo(1);
        }
        var stop = new AtomicBoolean();
        var served = new AtomicInteger();
        try (var load = Workers.bounded("crash-load", sessions.size() * 2, 0)) {
            for (String session : sessions) {
                load.execute(() -> callUntilStopped(stop, served, () -> invoker.invoke(session, "{}")));
                load.execute(() -> callUntilStopped(stop, served, () -> invoker.invoke(session,
                        "{\"fault\": \"slow\", \"bytes\": 200, \"delayMs\": 20}")));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> served.get() >= 10);
            List<LiveSandbox> live = liveSandboxes(server);
            server.kill();
            stop.set(true);
            return live;
        }
    }

    private static void callUntilStopped(AtomicBoolean stop, AtomicInteger served, Runnable call) {
        for (int i = 0; i < 500 && !stop.get(); i++) {
            try {
                call.run();
                served.incrementAndGet();
            } catch (RuntimeException e) {
                if (stop.get()) {
                    return; // the server is gone, as intended
                }
                throw e;
            }
        }
    }

    private static List<LiveSandbox> liveSandboxes(ServerProcess server) throws Exception {
        var response = HttpClient.newHttpClient().send(Signed.get(
                        server.endpoint().resolve("/hearth/v1/sessions?state=live")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        var found = new ArrayList<LiveSandbox>();
        for (var s : Json.tree(response.body()).path("sessions")) {
            found.add(new LiveSandbox(s.path("sessionId").asString(), s.path("sandboxId").asString(),
                    s.path("agentAddress").asString("")));
        }
        return found;
    }

    private static void assertRecordsKept(Clients clients, Agents.Runtime runtime) {
        assertThat(clients.control().getAgentRuntime(r -> r.agentRuntimeId(runtime.id())).status())
                .as("runtime %s after the restart", runtime.id()).isEqualTo(AgentRuntimeStatus.READY);
        var live = clients.control().getAgentRuntimeEndpoint(g -> g.agentRuntimeId(runtime.id()).endpointName("live"));
        assertThat(live.status()).isEqualTo(AgentRuntimeEndpointStatus.READY);
        assertThat(live.liveVersion()).isEqualTo("1");
    }
}
