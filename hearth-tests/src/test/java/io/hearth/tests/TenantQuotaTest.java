package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.auth.AccessKey;
import io.hearth.server.HearthServer;
import io.hearth.testing.AccessKeys;
import io.hearth.testing.Agents;
import io.hearth.testing.ApiCalls;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.BedrockAgentCoreControlClient;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's own limits through {@code /hearth/v1/tenants/{account}/quotas} on a real server with authentication on:
 * set by the root key, felt at once by that tenant's SDK calls and by no other tenant's, kept across a restart, and
 * out of reach of any other tenant.
 */
class TenantQuotaTest {
    private static final String ROOT_TENANT = "000000000000";
    private static final String TENANT_B = "222222222222";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path dataDir;
    private static HearthServer server;
    private static Clients root;
    private static Agents.Runtime rootCounter;
    private static AccessKey keyB;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("hearth-tenant-quota-");
        server = HearthServer.start(HearthExtension.testConfig(dataDir));
        root = Clients.of(server.endpoint());
        rootCounter = new Agents(root, dataDir).pythonCounter();
        keyB = AccessKeys.create(server.endpoint(), Optional.of(TENANT_B));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        HearthExtension.deleteTree(dataDir);
    }

    @Test
    void aTenantsOwnLimitsApplyAtOnceToItAloneAndGoAwayWhenRemoved() throws Exception {
        upload(keyB, "tenant-b", "counter.zip");
        String runtimeB = create(control(keyB), "counter_b", "tenant-b", "counter.zip");
        String arnB = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> control(keyB).getAgentRuntime(r -> r.agentRuntimeId(runtimeB)),
                        r -> r.status() != AgentRuntimeStatus.CREATING).agentRuntimeArn();
        var asB = new Invoker(Clients.noRetries(server.endpoint(), keyB), arnB);
        var asRoot = new Invoker(Clients.noRetries(server.endpoint(), Signed.ROOT_KEY), rootCounter.arn());

        HttpResponse<String> set = send(Signed.ROOT_KEY, "PUT", "/hearth/v1/tenants/" + TENANT_B + "/quotas",
                "{\"maxActiveSessions\": 2, \"maxAgents\": 1}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        JsonNode shown = Json.tree(set.body().getBytes(StandardCharsets.UTF_8));
        assertThat(shown.path("own").path("maxActiveSessions").asInt()).isEqualTo(2);
        assertThat(shown.path("effective").path("maxAgents").asInt()).isEqualTo(1);
        assertThat(shown.path("effective").path("maxVersionsPerAgent").asInt()).isEqualTo(1_000);

        String first = Invoker.newSessionId();
        assertThat(asB.count(first)).isEqualTo(1);
        assertThat(asB.count(Invoker.newSessionId())).isEqualTo(1);
        assertThat(errorOf(() -> asB.count(Invoker.newSessionId()))).startsWith("402 ServiceQuotaExceededException")
                .contains("account " + TENANT_B + " has 2 of at most 2 active sessions").contains("maxActiveSessions");
        for (int i = 0; i < 3; i++) {
            assertThat(asRoot.count(Invoker.newSessionId())).isEqualTo(1); // the root tenant keeps the server's limit
        }
        assertThat(errorOf(() -> create(control(keyB), "counter_b2", "tenant-b", "counter.zip")))
                .startsWith("402 ServiceQuotaExceededException").contains("Agent runtimes limit exceeded: 1 per account");
        assertThat(send(Signed.ROOT_KEY, "PUT", "/hearth/v1/tenants/" + TENANT_B + "/quotas",
                "{\"maxVersionsPerAgent\": 1, \"maxEndpointsPerAgent\": 1}").statusCode()).isEqualTo(200);
        assertThat(errorOf(() -> control(keyB).createAgentRuntimeEndpoint(r -> r.agentRuntimeId(runtimeB).name("prod"))))
                .startsWith("402 ServiceQuotaExceededException").contains("Endpoints limit exceeded: 1 per agent runtime");
        assertThat(errorOf(() -> control(keyB).updateAgentRuntime(r -> r.agentRuntimeId(runtimeB)
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket("tenant-b").prefix("counter.zip")))
                        .runtime("PYTHON_3_12").entryPoint("agent.py")))
                .roleArn("arn:aws:iam::" + TENANT_B + ":role/test")
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)))))
                .startsWith("402 ServiceQuotaExceededException").contains("Versions limit exceeded: 1 per agent runtime");
        String rootSecond = create(root.control(), "counter_root2", "tenant-b-unused", "none.zip");
        root.control().deleteAgentRuntime(r -> r.agentRuntimeId(rootSecond));

        JsonNode quotas = json(send(Signed.ROOT_KEY, "GET", "/hearth/v1/quotas", ""));
        JsonNode b = find(quotas.path("tenants"), TENANT_B);
        assertThat(b.path("activeSessions").asInt()).isEqualTo(2);
        assertThat(b.path("maxActiveSessions").asInt()).isEqualTo(2);
        assertThat(b.path("own").path("maxAgents").asInt()).isEqualTo(1);
        assertThat(find(quotas.path("tenants"), ROOT_TENANT).path("maxActiveSessions").asInt()).isEqualTo(1_000_000);
        String metrics = send(Signed.ROOT_KEY, "GET", "/metrics", "").body();
        assertThat(metrics).contains("hearth_quota_tenant_sessions_max{tenant=\"" + TENANT_B + "\"} 2.0");

        HttpResponse<String> removed = send(Signed.ROOT_KEY, "DELETE", "/hearth/v1/tenants/" + TENANT_B + "/quotas", "");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(204);
        assertThat(asB.count(Invoker.newSessionId())).isEqualTo(1);
        String secondB = create(control(keyB), "counter_b2", "tenant-b", "counter.zip");
        control(keyB).deleteAgentRuntime(r -> r.agentRuntimeId(secondB));
        assertThat(json(send(Signed.ROOT_KEY, "GET", "/hearth/v1/tenants/" + TENANT_B + "/quotas", "")).path("own").size())
                .isZero();
        assertThat(send(Signed.ROOT_KEY, "GET", "/metrics", "").body())
                .contains("hearth_quota_tenant_sessions_max{tenant=\"" + TENANT_B + "\"} 1000000.0");
    }

    @Test
    void onlyTheRootTenantManagesTenantQuotasAndBadValuesAreValidationErrors() throws Exception {
        String path = "/hearth/v1/tenants/" + TENANT_B + "/quotas";
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            HttpResponse<String> refused = send(keyB, method, path, method.equals("PUT") ? "{\"maxAgents\": 1000}" : "");
            assertThat(refused.statusCode()).as(method + " " + refused.body()).isEqualTo(403);
            assertThat(refused.headers().firstValue("x-amzn-ErrorType").orElse("")).startsWith("AccessDeniedException");
        }
        assertValidation(send(Signed.ROOT_KEY, "PUT", path, "{\"maxAgents\": -1}"),
                "maxAgents: -1 (expected: a whole number from 0 to 10000000)");
        assertValidation(send(Signed.ROOT_KEY, "PUT", path, "{\"maxActiveSessions\": \"ten\"}"),
                "maxActiveSessions: \"ten\" (expected: a whole number");
        assertValidation(send(Signed.ROOT_KEY, "PUT", path, "{\"maxActiveSessions\": 1.5}"),
                "maxActiveSessions: 1.5 (expected: a whole number");
        assertValidation(send(Signed.ROOT_KEY, "PUT", path, "{\"maxWidgets\": 1}"),
                "maxWidgets: not a tenant limit (expected: one of maxActiveSessions");
        assertValidation(send(Signed.ROOT_KEY, "PUT", "/hearth/v1/tenants/12/quotas", "{\"maxAgents\": 1}"),
                "account: 12 (expected: a 12-digit account id)");
        assertThat(json(send(Signed.ROOT_KEY, "GET", path, "")).path("own").size()).isZero(); // nothing was kept
    }

    @Test
    void aTenantsLimitsSurviveARestart() throws Exception {
        Path dir = Files.createTempDirectory("hearth-tenant-quota-restart-");
        try {
            try (HearthServer first = HearthServer.start(HearthExtension.testConfig(dir))) {
                HttpResponse<String> set = send(first, Signed.ROOT_KEY, "PUT", "/hearth/v1/tenants/" + TENANT_B + "/quotas",
                        "{\"maxActiveSessions\": 7, \"maxEndpointsPerAgent\": 3}");
                assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            }
            try (HearthServer second = HearthServer.start(HearthExtension.testConfig(dir))) {
                JsonNode shown = json(send(second, Signed.ROOT_KEY, "GET", "/hearth/v1/tenants/" + TENANT_B + "/quotas", ""));
                assertThat(shown.path("own").path("maxActiveSessions").asInt()).isEqualTo(7);
                assertThat(shown.path("effective").path("maxEndpointsPerAgent").asInt()).isEqualTo(3);
                JsonNode quotas = json(send(second, Signed.ROOT_KEY, "GET", "/hearth/v1/quotas", ""));
                assertThat(find(quotas.path("tenants"), TENANT_B).path("maxActiveSessions").asInt()).isEqualTo(7);
            }
        } finally {
            HearthExtension.deleteTree(dir);
        }
    }

    private static void assertValidation(HttpResponse<String> response, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType").orElse("")).startsWith("ValidationException");
        assertThat(response.body()).contains(message.replace("\"", "\\\""));
    }

    private static JsonNode find(JsonNode tenants, String tenant) {
        for (JsonNode t : tenants) {
            if (t.path("tenant").asString().equals(tenant)) {
                return t;
            }
        }
        return fail("no tenant " + tenant + " in " + tenants);
    }

    private static String errorOf(Runnable call) {
        try {
            call.run();
        } catch (AwsServiceException e) {
            return e.statusCode() + " " + e.awsErrorDetails().errorCode() + " " + e.awsErrorDetails().errorMessage();
        }
        return fail("expected an AWS error");
    }

    private static String create(BedrockAgentCoreControlClient control, String name, String bucket, String prefix) {
        return control.createAgentRuntime(r -> r.agentRuntimeName(name)
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(bucket).prefix(prefix)))
                        .runtime("PYTHON_3_12").entryPoint("agent.py")))
                .roleArn("arn:aws:iam::" + TENANT_B + ":role/test")
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC))).agentRuntimeId();
    }

    private static BedrockAgentCoreControlClient control(AccessKey key) {
        return Clients.of(server.endpoint(), key.id(), key.secret()).control();
    }

    /** The counter agent, uploaded as {@code ./hearth deploy} uploads, signed with {@code key}. */
    private static void upload(AccessKey key, String bucket, String artifactKey) throws Exception {
        byte[] zip = Agents.pythonCounterZip("");
        URI uri = server.endpoint().resolve("/hearth/v1/artifacts/" + bucket + "/" + artifactKey);
        HttpResponse<String> response = HTTP.send(Signed.request(key, "PUT", uri, zip).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return ApiCalls.json(response);
    }

    private static HttpResponse<String> send(AccessKey key, String method, String path, String body) throws Exception {
        return send(server, key, method, path, body);
    }

    private static HttpResponse<String> send(HearthServer on, AccessKey key, String method, String path, String body)
            throws Exception {
        return ApiCalls.send(on, key, method, path, body);
    }
}
