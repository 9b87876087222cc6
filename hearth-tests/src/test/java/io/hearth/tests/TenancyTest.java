package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.auth.AccessKey;
import io.hearth.quota.QuotaSettings;
import io.hearth.quota.RateLimit;
import io.hearth.server.HearthServer;
import io.hearth.testing.AccessKeys;
import io.hearth.testing.Agents;
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
import java.util.OptionalInt;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcore.BedrockAgentCoreClient;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.GetAgentRuntimeResponse;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;
import tools.jackson.databind.JsonNode;

/**
 * Tenants and session ownership on a real server with authentication on: a second tenant's key, made through the
 * admin API by the root key, and second keys of one tenant, each used through the real SDK clients.
 */
class TenancyTest {
    private static final String OTHER_TENANT = "111111111111";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path dataDir;
    private static HearthServer server;
    private static Clients root;
    private static Agents.Runtime counter;
    private static String counterName;
    private static AccessKey otherKey;
    private static Clients other;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("hearth-tenancy-");
        server = HearthServer.start(HearthExtension.testConfig(dataDir));
        root = Clients.of(server.endpoint());
        counter = new Agents(root, dataDir).pythonCounter();
        counterName = root.control().getAgentRuntime(r -> r.agentRuntimeId(counter.id())).agentRuntimeName();
        otherKey = AccessKeys.create(server.endpoint(), Optional.of(OTHER_TENANT));
        other = Clients.of(server.endpoint(), otherKey.id(), otherKey.secret());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        HearthExtension.deleteTree(dataDir);
    }

    @Test
    void hearthsOwnApisScopeAnotherTenantToItsRuntimes() throws Exception {
        HttpResponse<String> pool = get(otherKey, "/hearth/v1/pools/" + counter.id() + "/DEFAULT");
        assertThat(pool.statusCode()).isEqualTo(404);
        assertThat(pool.body()).contains("Agent runtime " + counter.id() + " not found");
        assertThat(get(otherKey, "/hearth/v1/pools").body()).doesNotContain(counter.id());
        assertThat(get(otherKey, "/hearth/v1/quotas").statusCode()).isEqualTo(403);
        assertThat(get(otherKey, "/hearth/v1/keys").statusCode()).isEqualTo(403);
        assertThat(get(Signed.ROOT_KEY, "/hearth/v1/quotas").statusCode()).isEqualTo(200);
    }

    @Test
    void anotherTenantsRuntimeIsNotFoundOnEveryControlPlaneOperation() {
        String id = counter.id();
        root.control().createAgentRuntimeEndpoint(r -> r.agentRuntimeId(id).name("prod").agentRuntimeVersion("1"));
        var control = other.control();
        assertNotFound(() -> control.getAgentRuntime(r -> r.agentRuntimeId(id)), id);
        assertNotFound(() -> control.getAgentRuntime(r -> r.agentRuntimeId(id).agentRuntimeVersion("1")), id);
        assertNotFound(() -> control.updateAgentRuntime(r -> r.agentRuntimeId(id)
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket("test-artifacts").prefix(counterName)))
                        .runtime("PYTHON_3_12").entryPoint("agent.py")))
                .roleArn("arn:aws:iam::" + OTHER_TENANT + ":role/test")
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC))), id);
        assertNotFound(() -> control.deleteAgentRuntime(r -> r.agentRuntimeId(id)), id);
        assertNotFound(() -> control.listAgentRuntimeVersions(r -> r.agentRuntimeId(id)), id);
        assertNotFound(() -> control.createAgentRuntimeEndpoint(r -> r.agentRuntimeId(id).name("prod")), id);
        assertNotFound(() -> control.getAgentRuntimeEndpoint(r -> r.agentRuntimeId(id).endpointName("DEFAULT")), id);
        assertNotFound(() -> control.getAgentRuntimeEndpoint(r -> r.agentRuntimeId(id).endpointName("prod")), id);
        assertNotFound(() -> control.updateAgentRuntimeEndpoint(r -> r.agentRuntimeId(id).endpointName("prod")
                .agentRuntimeVersion("1")), id);
        assertNotFound(() -> control.deleteAgentRuntimeEndpoint(r -> r.agentRuntimeId(id).endpointName("prod")), id);
        assertNotFound(() -> control.listAgentRuntimeEndpoints(r -> r.agentRuntimeId(id)), id);
        assertThat(control.listAgentRuntimes(r -> {}).agentRuntimes()).noneMatch(r -> r.agentRuntimeId().equals(id));

        // Untouched by all that, and still the root tenant's.
        var kept = root.control().getAgentRuntime(r -> r.agentRuntimeId(id));
        assertThat(kept.agentRuntimeVersion()).isEqualTo("1");
        assertThat(kept.agentRuntimeArn()).contains(":000000000000:runtime/");
        assertThat(root.control().listAgentRuntimeEndpoints(r -> r.agentRuntimeId(id)).runtimeEndpoints())
                .extracting(e -> e.name()).containsExactlyInAnyOrder("DEFAULT", "prod");
    }

    @Test
    void namesAreUniquePerTenantAndArnsCarryTheOwnersAccount() throws Exception {
        // The other tenant's code, under the very bucket and prefix of the root tenant's.
        assertThat(upload(otherKey, "test-artifacts", counterName, counterZip("other")).statusCode()).isEqualTo(200);
        var created = other.control().createAgentRuntime(r -> r.agentRuntimeName(counterName)
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket("test-artifacts").prefix(counterName)))
                        .runtime("PYTHON_3_12").entryPoint("agent.py")))
                .roleArn("arn:aws:iam::" + OTHER_TENANT + ":role/test")
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC)));
        try {
            assertThat(created.agentRuntimeArn()).startsWith("arn:aws:bedrock-agentcore:us-east-1:" + OTHER_TENANT + ":runtime/");
            await().atMost(Duration.ofSeconds(30)).until(() -> other.control().getAgentRuntime(r ->
                    r.agentRuntimeId(created.agentRuntimeId())).status() == AgentRuntimeStatus.READY);
            var endpoint = other.control().getAgentRuntimeEndpoint(r -> r.agentRuntimeId(created.agentRuntimeId())
                    .endpointName("DEFAULT"));
            assertThat(endpoint.agentRuntimeEndpointArn()).contains(":" + OTHER_TENANT + ":runtime/");
            assertThat(other.control().listAgentRuntimes(r -> {}).agentRuntimes())
                    .extracting(r -> r.agentRuntimeId()).contains(created.agentRuntimeId()).doesNotContain(counter.id());
            assertThat(root.control().listAgentRuntimes(r -> {}).agentRuntimes())
                    .extracting(r -> r.agentRuntimeId()).contains(counter.id()).doesNotContain(created.agentRuntimeId());
            assertNotFound(() -> root.control().getAgentRuntime(r -> r.agentRuntimeId(created.agentRuntimeId())),
                    created.agentRuntimeId());

            // Each tenant invokes its own; the other tenant's reads as unknown.
            String session = Invoker.newSessionId();
            assertThat(new Invoker(other.data(), created.agentRuntimeArn()).count(session)).isEqualTo(1);
            assertNotFound(() -> new Invoker(root.data(), created.agentRuntimeArn()).count(session), created.agentRuntimeId());

            // The sessions API shows a tenant its own sessions; the root tenant sees every tenant's.
            JsonNode seenByOther = sessions(otherKey);
            assertThat(seenByOther.toString()).contains(session).doesNotContain(counter.id());
            assertThat(sessions(Signed.ROOT_KEY).toString()).contains(session);
        } finally {
            other.control().deleteAgentRuntime(r -> r.agentRuntimeId(created.agentRuntimeId()));
        }
    }

    @Test
    void eachTenantBuildsFromItsOwnArtifactsUnderTheSameBucketAndPrefix() throws Exception {
        String bucket = "shared-artifacts";
        String key = "agent/code.zip";
        assertThat(upload(Signed.ROOT_KEY, bucket, key, counterZip("root")).statusCode()).isEqualTo(200);
        assertThat(upload(Signed.ROOT_KEY, bucket, "root-only/code.zip", counterZip("root")).statusCode()).isEqualTo(200);
        // Uploaded after the root tenant's, under the same key: before tenants had their own artifacts, it overwrote it.
        assertThat(upload(otherKey, bucket, key, counterZip("other")).statusCode()).isEqualTo(200);

        String mine = createFrom(root, "000000000000", "artifact_root", bucket, key);
        String theirs = createFrom(other, OTHER_TENANT, "artifact_other", bucket, key);
        String taken = createFrom(other, OTHER_TENANT, "artifact_taken", bucket, "root-only/code.zip");
        try {
            assertThat(settled(root, mine).status()).isEqualTo(AgentRuntimeStatus.READY);
            assertThat(settled(other, theirs).status()).isEqualTo(AgentRuntimeStatus.READY);
            assertThat(artifactOwner(root, mine)).isEqualTo("root");
            assertThat(artifactOwner(other, theirs)).isEqualTo("other");

            // The root tenant's artifact does not exist for the other tenant, whatever its bucket and key.
            var failed = settled(other, taken);
            assertThat(failed.status()).isEqualTo(AgentRuntimeStatus.CREATE_FAILED);
            assertThat(failed.failureReason()).contains("s3://" + bucket + "/root-only/code.zip").contains("not found");
        } finally {
            root.control().deleteAgentRuntime(r -> r.agentRuntimeId(mine));
            other.control().deleteAgentRuntime(r -> r.agentRuntimeId(theirs));
            other.control().deleteAgentRuntime(r -> r.agentRuntimeId(taken));
        }
    }

    @Test
    void anotherTenantCannotReachARuntimeOnTheDataPlane() {
        String session = Invoker.newSessionId();
        var mine = new Invoker(root.data(), counter.arn());
        assertThat(mine.count(session)).isEqualTo(1);

        String id = counter.id();
        var theirs = new Invoker(other.data(), counter.arn());
        assertNotFound(() -> theirs.count(session), id);
        assertNotFound(() -> theirs.stop(session), id);
        assertNotFound(() -> other.data().getAgentCard(r -> r.agentRuntimeArn(counter.arn()).runtimeSessionId(session)), id);
        // The runtime named in the caller's own account: it exists, but not there.
        String inOwnAccount = counter.arn().replace(":000000000000:", ":" + OTHER_TENANT + ":");
        assertNotFound(() -> new Invoker(other.data(), inOwnAccount).count(session), id);
        assertNotFound(() -> new Invoker(other.data(), inOwnAccount).stop(session), id);

        assertThat(mine.count(session)).isEqualTo(2);
    }

    @Test
    void anotherPrincipalOfTheSameTenantGetsItsOwnSession() throws Exception {
        AccessKey second = AccessKeys.create(server.endpoint(), Optional.empty());
        var mine = new Invoker(root.data(), counter.arn());
        var theirs = new Invoker(Clients.of(server.endpoint(), second.id(), second.secret()).data(), counter.arn());
        String session = Invoker.newSessionId();
        assertThat(mine.count(session)).isEqualTo(1);
        assertThat(mine.count(session)).isEqualTo(2);

        // Its stop finds no session of that id, as for an id never used.
        assertThatThrownBy(() -> theirs.stop(session)).isInstanceOfSatisfying(AwsServiceException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException"));
        assertThat(theirs.count(session)).isEqualTo(1);
        assertThat(mine.count(session)).isEqualTo(3);
        theirs.stop(session);
        assertThat(mine.count(session)).isEqualTo(4);
        assertThat(theirs.count(session)).isEqualTo(1);
    }

    @Test
    void aUserIdRefinesTheSessionsOwner() {
        String session = Invoker.newSessionId();
        assertThat(countAs(root.data(), session, "alice")).isEqualTo(1);
        assertThat(countAs(root.data(), session, "alice")).isEqualTo(2);
        assertThat(countAs(root.data(), session, "bob")).isEqualTo(1);
        assertThat(new Invoker(root.data(), counter.arn()).count(session)).isEqualTo(1);
        assertThat(countAs(root.data(), session, "alice")).isEqualTo(3);
    }

    @Test
    void perPrincipalLiveSessionsAndInvocationRateAreEnforced() throws Exception {
        Path limitedDir = Files.createTempDirectory("hearth-tenancy-limits-");
        // 2 live sessions per principal; 4 invocations at once, then one a minute: exact within a test's span.
        var limits = QuotaSettings.UNLIMITED.withPerPrincipal(OptionalInt.of(2), Optional.of(RateLimit.perMinute(1, 4)));
        try (var limited = HearthServer.start(HearthExtension.testConfig(limitedDir).withQuotas(limits))) {
            var runtime = new Agents(Clients.of(limited.endpoint()), limitedDir).pythonCounter();
            AccessKey first = AccessKeys.create(limited.endpoint(), Optional.empty());
            var sessionsKey = new Invoker(Clients.noRetries(limited.endpoint(), first), runtime.arn());
            String one = Invoker.newSessionId();
            String two = Invoker.newSessionId();
            assertThat(sessionsKey.count(one)).isEqualTo(1);
            assertThat(sessionsKey.count(two)).isEqualTo(1);
            assertThat(errorOf(() -> sessionsKey.count(Invoker.newSessionId()))).isEqualTo("402 ServiceQuotaExceededException");
            sessionsKey.stop(one);
            assertThat(sessionsKey.count(Invoker.newSessionId())).isEqualTo(1);
            // Its fifth invocation passes the rate.
            assertThat(errorOf(() -> sessionsKey.count(two))).isEqualTo("429 ThrottlingException");

            // Another key holds its own counts: its sessions and its rate start afresh.
            AccessKey second = AccessKeys.create(limited.endpoint(), Optional.empty());
            var rateKey = new Invoker(Clients.noRetries(limited.endpoint(), second), runtime.arn());
            String session = Invoker.newSessionId();
            for (int i = 1; i <= 4; i++) {
                assertThat(rateKey.count(session)).isEqualTo(i);
            }
            assertThat(errorOf(() -> rateKey.count(session))).isEqualTo("429 ThrottlingException");
        } finally {
            HearthExtension.deleteTree(limitedDir);
        }
    }

    private int countAs(BedrockAgentCoreClient client, String session, String user) {
        var response = client.invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(counter.arn()).runtimeSessionId(session)
                .runtimeUserId(user).payload(SdkBytes.fromUtf8String("{\"prompt\":\"count\"}")));
        return Json.tree(response.asByteArray()).path("count").asInt();
    }

    /** The error is ResourceNotFoundException, worded exactly as for a runtime that does not exist. */
    private static void assertNotFound(ThrowingCallable call, String runtimeId) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Agent runtime " + runtimeId + " not found");
        });
    }

    private static String errorOf(Runnable call) {
        try {
            call.run();
        } catch (AwsServiceException e) {
            return e.statusCode() + " " + e.awsErrorDetails().errorCode();
        }
        return "no error";
    }

    /** The counter agent, zipped, with {@code ARTIFACT_OWNER} set at start so that an invocation tells whose code runs. */
    private static byte[] counterZip(String owner) {
        return Agents.pythonCounterZip("import os\nos.environ[\"ARTIFACT_OWNER\"] = \"" + owner + "\"\n");
    }

    /** {@code PUT /hearth/v1/artifacts/<bucket>/<key>}, signed with {@code key}, as {@code ./hearth deploy} uploads. */
    private static HttpResponse<String> upload(AccessKey key, String bucket, String artifactKey, byte[] zip) throws Exception {
        URI uri = server.endpoint().resolve("/hearth/v1/artifacts/" + bucket + "/" + artifactKey);
        HttpResponse<String> response = HTTP.send(Signed.request(key, "PUT", uri, zip).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    private static String createFrom(Clients as, String tenant, String name, String bucket, String prefix) {
        return as.control().createAgentRuntime(r -> r.agentRuntimeName(name)
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket(bucket).prefix(prefix)))
                        .runtime("PYTHON_3_12").entryPoint("agent.py")))
                .roleArn("arn:aws:iam::" + tenant + ":role/test")
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC))).agentRuntimeId();
    }

    private static GetAgentRuntimeResponse settled(Clients as, String id) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> as.control().getAgentRuntime(r -> r.agentRuntimeId(id)),
                        r -> r.status() != AgentRuntimeStatus.CREATING);
    }

    private static String artifactOwner(Clients as, String id) {
        String arn = as.control().getAgentRuntime(r -> r.agentRuntimeId(id)).agentRuntimeArn();
        var response = as.data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(arn).runtimeSessionId(Invoker.newSessionId())
                .payload(SdkBytes.fromUtf8String("{\"env\":\"ARTIFACT_OWNER\"}")));
        return Json.tree(response.asByteArray()).path("value").asString();
    }

    private static JsonNode sessions(AccessKey key) throws Exception {
        HttpResponse<String> response = get(key, "/hearth/v1/sessions");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(AccessKey key, String path) throws Exception {
        var request = Signed.request(key, "GET", server.endpoint().resolve(path), new byte[0]);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
