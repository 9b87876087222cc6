package io.hearth.tests.hibernation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.hearth.session.HibernationPolicy;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code filesystemConfigurations} with {@code sessionStorage}: files at the mount path outlive the session's sandbox
 * (a stop, a hibernation, a server restart), are bounded in size, and start empty again on a new runtime version.
 */
class SessionStorageTest {
    private OwnServer own;
    private PersistAgent agent;

    @BeforeEach
    void start() throws Exception {
        own = OwnServer.start("hearth-storage-", config -> config);
        agent = own.agent();
    }

    private void restart() {
        own.restart(config -> config);
        agent = own.agent();
    }

    @AfterEach
    void stop() {
        own.close();
    }

    @Test
    void filesInSessionStorageOutliveStopsAndRestartsAndResetOnANewVersion() throws Exception {
        assumeThat(HearthExtension.isolation()).as("only isolating drivers mount storage").isNotEqualTo("process");
        var runtime = agent.deploy(Map.of(), 900, "/mnt/data/");
        var got = agent.clients().control().getAgentRuntime(r -> r.agentRuntimeId(runtime.id()));
        assertThat(got.toString()).as("GetAgentRuntime shows it").isNotNull();
        var raw = agent.send("GET", "/runtimes/" + runtime.id() + "/", "");
        assertThat(raw.body()).contains("\"sessionStorage\":{\"mountPath\":\"/mnt/data\"}");

        String session = Invoker.newSessionId();
        String other = Invoker.newSessionId();
        agent.invoke(runtime, session, "{\"write\": {\"path\": \"/mnt/data/notes/a.txt\", \"content\": \"kept\"}}");
        var invoker = new Invoker(agent.clients().data(), runtime.arn());
        invoker.stop(session);
        assertThat(read(runtime, session)).as("after StopRuntimeSession").isEqualTo("kept");
        assertThat(read(runtime, other)).as("another session has its own").isNull();

        restart();
        assertThat(read(runtime, session)).as("after a restart of the server").isEqualTo("kept");

        new Invoker(agent.clients().data(), runtime.arn()).stop(session);
        agent.clients().control().updateAgentRuntime(r -> r.agentRuntimeId(runtime.id())
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket("test-artifacts").prefix(runtime.id().substring(0, runtime.id().lastIndexOf('-')))))
                        .runtime("PYTHON_3_12").entryPoint("agent.py")))
                .roleArn("arn:aws:iam::000000000000:role/test")
                .networkConfiguration(n -> n.networkMode(software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode.PUBLIC)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                agent.clients().control().getAgentRuntime(r -> r.agentRuntimeId(runtime.id())).agentRuntimeVersion().equals("2"));
        assertThat(read(runtime, session)).as("a new version starts with empty storage").isNull();
    }

    @Test
    void sessionStorageOutlivesHibernationAndExpiresWhenUnused() throws Exception {
        assumeThat(HearthExtension.isolation()).isNotEqualTo("process");
        own.restart(config -> config.withSessions(config.sessions().withHibernation(
                HibernationPolicy.DEFAULT.withStorageIdleExpiry(Duration.ofSeconds(3)))));
        agent = own.agent();
        var runtime = agent.deploy(Map.of(), 900, "/mnt/data");
        String session = Invoker.newSessionId();
        agent.invoke(runtime, session, "{\"write\": {\"path\": \"/mnt/data/notes/a.txt\", \"content\": \"kept\"}}");
        assertThat(agent.hibernate(runtime, session).statusCode()).isEqualTo(200);
        assertThat(read(runtime, session)).as("after hibernation").isEqualTo("kept");

        new Invoker(agent.clients().data(), runtime.arn()).stop(session);
        Path kept = own.data.resolve("session-storage").resolve(runtime.id());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(kept)
                || kept.toFile().list().length == 0);
        assertThat(read(runtime, session)).as("unused past its expiry: deleted").isNull();
    }

    @Test
    void sessionStorageIsBoundedInSize() throws Exception {
        assumeThat(HearthExtension.isolation()).isNotEqualTo("process");
        var runtime = agent.deploy(Map.of("hearth:sessionStorageMiB", "2"), 900, "/mnt/small");
        String session = Invoker.newSessionId();
        JsonNode full = agent.invoke(runtime, session, "{\"fill\": {\"path\": \"/mnt/small/big\", \"bytes\": 4194304}}");
        assertThat(full.path("error").stringValue()).contains("No space left on device");
        JsonNode fits = agent.invoke(runtime, session, "{\"fill\": {\"path\": \"/mnt/small/big\", \"bytes\": 1048576}}");
        assertThat(fits.path("filled").booleanValue()).isTrue();
    }

    @Test
    void otherFilesystemConfigurationsAreRefusedByName() throws Exception {
        String body = "{\"agentRuntimeName\":\"fsrefused\",\"agentRuntimeArtifact\":{\"codeConfiguration\":{\"code\":{\"s3\":"
                + "{\"bucket\":\"b\",\"prefix\":\"p\"}},\"runtime\":\"PYTHON_3_12\",\"entryPoint\":[\"agent.py\"]}},"
                + "\"roleArn\":\"arn:aws:iam::000000000000:role/test\",\"networkConfiguration\":{\"networkMode\":\"PUBLIC\"},"
                + "\"filesystemConfigurations\":[%s]}";
        var efs = agent.send("PUT", "/runtimes/", body.formatted("{\"efsAccessPoint\":{\"accessPointArn\":\"x\",\"mountPath\":\"/mnt/efs\"}}"));
        assertThat(efs.statusCode()).isEqualTo(400);
        assertThat(efs.headers().firstValue("x-amzn-ErrorType").orElse("")).startsWith("ValidationException");
        assertThat(efs.body()).contains("efsAccessPoint is not supported").contains("sessionStorage");
        var badPath = agent.send("PUT", "/runtimes/", body.formatted("{\"sessionStorage\":{\"mountPath\":\"/data/x\"}}"));
        assertThat(badPath.statusCode()).isEqualTo(400);
        assertThat(badPath.body()).contains("mountPath");
        var two = agent.send("PUT", "/runtimes/", body.formatted(
                "{\"sessionStorage\":{\"mountPath\":\"/mnt/a\"}},{\"sessionStorage\":{\"mountPath\":\"/mnt/b\"}}"));
        assertThat(two.statusCode()).isEqualTo(400);
        assertThat(two.body()).contains("at most one sessionStorage");
    }

    private String read(Agents.Runtime runtime, String session) {
        JsonNode answer = agent.invoke(runtime, session, "{\"read\": \"/mnt/data/notes/a.txt\"}");
        return answer.path("content").isNull() ? null : answer.path("content").stringValue();
    }
}
