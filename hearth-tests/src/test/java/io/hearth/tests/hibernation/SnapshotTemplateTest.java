package io.hearth.tests.hibernation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * New gVisor sessions start from a snapshot of their version's initialised agent: clones of one process (the same start
 * time in memory), each with its own memory from there on; a runtime that opts out starts every agent afresh.
 */
class SnapshotTemplateTest {
    private OwnServer own;
    private PersistAgent agent;

    @BeforeEach
    void start() throws Exception {
        assumeThat(HearthExtension.isolation()).as("only gVisor saves an agent's memory").isEqualTo("gvisor");
        own = OwnServer.start("hearth-template-", config -> config);
        agent = own.agent();
    }

    @AfterEach
    void stop() {
        if (own != null) {
            Path templates = own.data.resolve("templates");
            own.close();
            assertThat(templates).as("templates go with the server").doesNotExist();
        }
    }

    @Test
    void newSessionsAreClonesOfOneInitialisedAgentEachWithItsOwnMemory() throws Exception {
        var runtime = agent.deploy(Map.of(), 900, null);
        JsonNode cold = agent.invoke(runtime, Invoker.newSessionId(), "{}");
        // Once the template is ready, new sessions' agents share its start time: they are its clones.
        Set<Double> starts = new HashSet<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode first = agent.invoke(runtime, Invoker.newSessionId(), "{}");
            JsonNode second = agent.invoke(runtime, Invoker.newSessionId(), "{}");
            starts.add(first.path("started").doubleValue());
            return first.path("started").doubleValue() == second.path("started").doubleValue();
        });
        String a = Invoker.newSessionId();
        String b = Invoker.newSessionId();
        JsonNode inA = agent.invoke(runtime, a, "{\"write\": {\"path\": \"/workspace/mine\", \"content\": \"a\"}}");
        agent.invoke(runtime, a, "{}");
        JsonNode inB = agent.invoke(runtime, b, "{\"read\": \"/workspace/mine\"}");
        assertThat(inA.path("started").doubleValue()).isEqualTo(inB.path("started").doubleValue())
                .isNotEqualTo(cold.path("started").doubleValue());
        assertThat(inA.path("count").intValue()).as("each clone counts from the template's state").isEqualTo(1);
        assertThat(inB.path("count").intValue()).as("not from another clone's").isEqualTo(1);
        assertThat(inB.path("content").isNull()).as("nor with another clone's files").isTrue();
        assertThat(agent.invoke(runtime, a, "{}").path("count").intValue()).isEqualTo(3);
    }

    @Test
    void aRuntimeThatOptsOutStartsEveryAgentAfresh() throws Exception {
        var runtime = agent.deploy(Map.of("hearth:snapshotTemplate", "false"), 900, null);
        Set<Double> starts = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            starts.add(agent.invoke(runtime, Invoker.newSessionId(), "{}").path("started").doubleValue());
            Thread.sleep(500);
        }
        assertThat(starts).as("four processes of their own").hasSize(4);
        Path templates = own.data.resolve("templates");
        assertThat(!Files.exists(templates) || templates.toFile().list().length == 0).as("no template made").isTrue();
    }
}
