package io.hearth.tests.hibernation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import tools.jackson.databind.JsonNode;

/** The tests' persist agent (a count in memory, files anywhere it may write), and the native calls about its sessions. */
record PersistAgent(URI endpoint, Clients clients, Path dataDir) {
    static final String DIR = "hearth-tests/src/test/resources/agents/persist";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** A READY runtime of the agent, with these tags and lifecycle, and session storage at {@code storage} if given. */
    Agents.Runtime deploy(Map<String, String> tags, int idleSeconds, String storage) throws Exception {
        String name = "persist" + NAMES.incrementAndGet() + "_" + System.nanoTime() % 100_000;
        Agents.copyTree(HearthExtension.repoRoot().resolve(DIR), Agents.artifacts(dataDir).resolve("test-artifacts").resolve(name));
        var body = Json.mapper().createObjectNode();
        body.put("agentRuntimeName", name);
        var code = body.putObject("agentRuntimeArtifact").putObject("codeConfiguration").put("runtime", "PYTHON_3_12");
        code.putArray("entryPoint").add("agent.py");
        code.putObject("code").putObject("s3").put("bucket", "test-artifacts").put("prefix", name);
        body.put("roleArn", "arn:aws:iam::000000000000:role/test");
        body.putObject("networkConfiguration").put("networkMode", "PUBLIC");
        body.putObject("lifecycleConfiguration").put("idleRuntimeSessionTimeout", idleSeconds).put("maxLifetime", 3600);
        if (storage != null) {
            body.putArray("filesystemConfigurations").addObject().putObject("sessionStorage").put("mountPath", storage);
        }
        var tagNode = body.putObject("tags");
        tags.forEach(tagNode::put);
        var created = send("PUT", "/runtimes/", body.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        JsonNode answer = Json.tree(created.body().getBytes());
        String id = answer.path("agentRuntimeId").stringValue();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                clients.control().getAgentRuntime(g -> g.agentRuntimeId(id)).status() == AgentRuntimeStatus.READY);
        return new Agents.Runtime(id, answer.path("agentRuntimeArn").stringValue());
    }

    HttpResponse<String> send(String method, String pathAndQuery, String body) throws Exception {
        var request = Signed.request(method, URI.create(endpoint + pathAndQuery), body)
                .header("Content-Type", "application/json").build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    JsonNode invoke(Agents.Runtime runtime, String session, String payload) {
        return new Invoker(clients.data(), runtime.arn()).invoke(session, payload);
    }

    /** POST .../hibernate: the hibernated session's view, or the error's status and body. */
    HttpResponse<String> hibernate(Agents.Runtime runtime, String session) throws Exception {
        return send("POST", "/hearth/v1/sessions/" + session + "/hibernate?runtimeId=" + runtime.id(), "");
    }

    /** The session as GET /hearth/v1/hibernated lists it, or a missing node. */
    JsonNode asleep(Agents.Runtime runtime, String session) throws Exception {
        var listed = send("GET", "/hearth/v1/hibernated?runtimeId=" + runtime.id(), "");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        for (JsonNode h : Json.tree(listed.body().getBytes()).path("hibernated")) {
            if (h.path("sessionId").stringValue().equals(session)) {
                return h;
            }
        }
        return Json.mapper().missingNode();
    }

    /** Every record of the session in GET /hearth/v1/sessions (live, asleep, ended), newest state first. */
    JsonNode sessions(Agents.Runtime runtime, String session) throws Exception {
        var listed = send("GET", "/hearth/v1/sessions?runtimeId=" + runtime.id() + "&sessionId=" + session, "");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        return Json.tree(listed.body().getBytes()).path("sessions");
    }

    static boolean memoryKept() {
        return HearthExtension.isolation().equals("gvisor");
    }
}
