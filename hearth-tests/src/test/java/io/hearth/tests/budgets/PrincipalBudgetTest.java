package io.hearth.tests.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hearth.api.Json;
import io.hearth.auth.AccessKey;
import io.hearth.auth.testing.OidcProviderFixture;
import io.hearth.server.HearthServer;
import io.hearth.session.SessionInfo;
import io.hearth.testing.AccessKeys;
import io.hearth.testing.Agents;
import io.hearth.testing.ApiCalls;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockagentcore.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;
import tools.jackson.databind.JsonNode;

/**
 * Per-principal session budgets through {@code /hearth/v1/budgets/principals} on a real server with authentication
 * on: a principal's budget bounds its own sessions only, the smaller of it and the runtime's wins, a tenant manages
 * only its own keys' budgets, and a budget is kept across a restart.
 */
class PrincipalBudgetTest {
    private static final String TENANT_B = "222222222222";
    private static final String AUDIENCE = "hearth-agents";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path dataDir;
    private static HearthServer server;
    private static Agents agents;
    private static AccessKey keyB;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("hearth-principal-budget-");
        server = HearthServer.start(HearthExtension.testConfig(dataDir));
        agents = new Agents(Clients.of(server.endpoint()), dataDir);
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
    void aPrincipalsBudgetEndsItsOwnSessionsOnly() throws Exception {
        AccessKey first = rootKey();
        AccessKey second = rootKey();
        String arn = agents.pythonCounter().arn();
        var asFirst = new Invoker(Clients.noRetries(server.endpoint(), first), arn);
        var asSecond = new Invoker(Clients.noRetries(server.endpoint(), second), arn);
        HttpResponse<String> set = send(Signed.ROOT_KEY, "PUT", principal(first), "{\"invocations\": 2}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json(set).path("invocations").asLong()).isEqualTo(2);

        String session = Invoker.newSessionId();
        assertThat(asFirst.count(session)).isEqualTo(1);
        assertThat(asSecond.count(session)).isEqualTo(1);
        assertThat(asFirst.count(session)).isEqualTo(2);
        assertThatThrownBy(() -> asFirst.count(session)).isInstanceOf(ServiceQuotaExceededException.class)
                .hasMessageContaining("invocations budget of 2 invocations was used up", "principal budget of " + first.id());
        SessionInfo ended = ended(session);
        assertThat(ended.endReason()).contains("budget");
        assertThat(ended.endDetail().orElseThrow()).contains("value: 3", "principal budget of " + first.id());

        // The other key's session on the same runtime, with the same id, goes on.
        assertThat(asSecond.count(session)).isEqualTo(2);
        assertThat(asSecond.count(session)).isEqualTo(3);
        assertThat(asSecond.count(session)).isEqualTo(4);

        // Removed, it bounds no new session.
        assertThat(send(Signed.ROOT_KEY, "DELETE", principal(first), "").statusCode()).isEqualTo(204);
        assertThat(send(Signed.ROOT_KEY, "GET", principal(first), "").statusCode()).isEqualTo(404);
        asFirst.stop(session);
        for (int i = 1; i <= 3; i++) {
            assertThat(asFirst.count(session)).isEqualTo(i);
        }
    }

    @Test
    void theSmallerOfTheRuntimesAndThePrincipalsBudgetWins() throws Exception {
        AccessKey second = rootKey();
        String arn = agents.deploy("examples/python-counter", "PYTHON_3_12", "agent.py", null, Map.of(),
                Map.of("hearth:budget:invocations", "3")).arn();
        var asSecond = new Invoker(Clients.noRetries(server.endpoint(), second), arn);
        assertThat(send(Signed.ROOT_KEY, "PUT", principal(second), "{\"invocations\": 1, \"wallClockSeconds\": 600}")
                .statusCode()).isEqualTo(200);
        String smaller = Invoker.newSessionId();
        assertThat(asSecond.count(smaller)).isEqualTo(1);
        assertThatThrownBy(() -> asSecond.count(smaller)).isInstanceOf(ServiceQuotaExceededException.class)
                .hasMessageContaining("invocations budget of 1 invocations", "principal budget of " + second.id());

        assertThat(send(Signed.ROOT_KEY, "PUT", principal(second), "{\"invocations\": 50}").statusCode()).isEqualTo(200);
        String larger = Invoker.newSessionId();
        for (int i = 1; i <= 3; i++) {
            assertThat(asSecond.count(larger)).isEqualTo(i);
        }
        assertThatThrownBy(() -> asSecond.count(larger)).isInstanceOf(ServiceQuotaExceededException.class)
                .hasMessageContaining("invocations budget of 3 invocations", "tag hearth:budget:invocations");
        assertThat(send(Signed.ROOT_KEY, "DELETE", principal(second), "").statusCode()).isEqualTo(204);
    }

    @Test
    void aTenantManagesItsOwnKeysBudgetsOnly() throws Exception {
        AccessKey first = rootKey();
        HttpResponse<String> own = send(keyB, "PUT", principal(keyB), "{\"streamedBytes\": 1000000}");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(json(send(keyB, "GET", principal(keyB), "")).path("streamedBytes").asLong()).isEqualTo(1_000_000);

        assertDenied(send(keyB, "PUT", principal(first), "{\"invocations\": 1}"));
        assertDenied(send(keyB, "PUT", "/hearth/v1/budgets/principals/jwt:https%3A%2F%2Fissuer%2F%20user-1",
                "{\"invocations\": 1}"));
        assertDenied(send(keyB, "GET", principal(first), ""));
        assertThat(send(Signed.ROOT_KEY, "GET", principal(first), "").statusCode()).isEqualTo(404); // nothing was set

        // Each sees its own in the list; the root tenant sees every one.
        assertThat(send(Signed.ROOT_KEY, "PUT", principal(first), "{\"cpuSeconds\": 60}").statusCode()).isEqualTo(200);
        assertThat(json(send(keyB, "GET", "/hearth/v1/budgets/principals", "")).path("principalBudgets").toString())
                .contains(keyB.id()).doesNotContain(first.id());
        assertThat(json(send(Signed.ROOT_KEY, "GET", "/hearth/v1/budgets/principals", "")).path("principalBudgets")
                .toString()).contains(keyB.id(), first.id());
        assertDenied(send(keyB, "DELETE", principal(first), ""));
        assertThat(send(Signed.ROOT_KEY, "DELETE", principal(first), "").statusCode()).isEqualTo(204);
        assertThat(send(keyB, "DELETE", principal(keyB), "").statusCode()).isEqualTo(204);
        assertThat(send(keyB, "DELETE", principal(keyB), "").statusCode()).isEqualTo(404);
    }

    @Test
    void badBodiesAreRefusedNamingTheField() throws Exception {
        AccessKey first = rootKey();
        assertValidation(send(Signed.ROOT_KEY, "PUT", principal(first), "{\"invocations\": 0}"),
                "invocations: 0 (expected: a whole number from 1 to 1000000000)");
        assertValidation(send(Signed.ROOT_KEY, "PUT", principal(first), "{\"cpuSeconds\": -5}"),
                "cpuSeconds: -5 (expected: a whole number from 1");
        assertValidation(send(Signed.ROOT_KEY, "PUT", principal(first), "{\"wallClockSeconds\": 1.5}"),
                "wallClockSeconds: 1.5 (expected: a whole number from 1");
        assertValidation(send(Signed.ROOT_KEY, "PUT", principal(first), "{\"tokens\": 5}"),
                "tokens: not a budget (expected: one of wallClockSeconds, cpuSeconds, invocations, streamedBytes)");
        assertValidation(send(Signed.ROOT_KEY, "PUT", principal(first), "{}"), "body: {} (expected: a JSON object");
        assertValidation(send(Signed.ROOT_KEY, "PUT", "/hearth/v1/budgets/principals/not-a-key", "{\"invocations\": 1}"),
                "principal: not-a-key (expected: an access key id, or jwt:<issuer> <subject>)");
        HttpResponse<String> unknown = send(Signed.ROOT_KEY, "GET", "/hearth/v1/budgets/principals/HKNOSUCHKEY000000000", "");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("x-amzn-ErrorType").orElse("")).startsWith("ResourceNotFoundException");
        assertThat(send(Signed.ROOT_KEY, "GET", principal(first), "").statusCode()).isEqualTo(404); // nothing was kept
    }

    @Test
    void aBudgetSurvivesARestart() throws Exception {
        Path dir = Files.createTempDirectory("hearth-principal-budget-restart-");
        try {
            AccessKey key;
            try (HearthServer once = HearthServer.start(HearthExtension.testConfig(dir))) {
                key = AccessKeys.create(once.endpoint(), Optional.empty());
                HttpResponse<String> set = send(once, Signed.ROOT_KEY, "PUT", principal(key), "{\"invocations\": 1}");
                assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            }
            try (HearthServer again = HearthServer.start(HearthExtension.testConfig(dir))) {
                assertThat(json(send(again, Signed.ROOT_KEY, "GET", principal(key), "")).path("invocations").asLong())
                        .isEqualTo(1);
                var asKey = new Invoker(Clients.noRetries(again.endpoint(), key),
                        new Agents(Clients.of(again.endpoint()), dir).pythonCounter().arn());
                String session = Invoker.newSessionId();
                assertThat(asKey.count(session)).isEqualTo(1);
                assertThatThrownBy(() -> asKey.count(session)).isInstanceOf(ServiceQuotaExceededException.class)
                        .hasMessageContaining("principal budget of " + key.id());
            }
        } finally {
            HearthExtension.deleteTree(dir);
        }
    }

    @Test
    void aBearerCallersBudgetIsNamedByIssuerAndSubject() throws Exception {
        try (OidcProviderFixture provider = OidcProviderFixture.start()) {
            String arn = jwtCounter(provider.discoveryUrl());
            String principal = "jwt:" + provider.issuer() + " budgeted-user";
            String path = "/hearth/v1/budgets/principals/" + URLEncoder.encode(principal, StandardCharsets.UTF_8)
                    .replace("+", "%20");
            HttpResponse<String> set = send(Signed.ROOT_KEY, "PUT", path, "{\"invocations\": 1}");
            assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            assertThat(json(set).path("principal").asString()).isEqualTo(principal);

            String session = Invoker.newSessionId();
            String budgeted = provider.token().audience(AUDIENCE).subject("budgeted-user").sign();
            String other = provider.token().audience(AUDIENCE).subject("other-user").sign();
            assertThat(invokeWithToken(arn, budgeted, session).statusCode()).isEqualTo(200);
            HttpResponse<String> over = invokeWithToken(arn, budgeted, session);
            assertThat(over.statusCode()).as(over.body()).isEqualTo(402);
            assertThat(over.body()).contains("principal budget of " + principal);
            // Another subject of the same issuer is another principal.
            for (int i = 0; i < 3; i++) {
                assertThat(invokeWithToken(arn, other, session).statusCode()).isEqualTo(200);
            }
            assertThat(send(Signed.ROOT_KEY, "DELETE", path, "").statusCode()).isEqualTo(204);
        }
    }

    @Test
    void theCliSetsShowsListsAndRemovesABudget() throws Exception {
        AccessKey key = rootKey();
        Result set = cli("budgets", "set", key.id(), "--invocations", "5", "--cpu-seconds", "30");
        assertThat(set.exit()).as(set.output()).isZero();
        assertThat(set.output()).contains("PRINCIPAL", key.id(), "30", "5");
        assertThat(json(send(Signed.ROOT_KEY, "GET", principal(key), "")).path("cpuSeconds").asLong()).isEqualTo(30);

        Result shown = cli("budgets", "get", key.id(), "--json");
        assertThat(shown.exit()).as(shown.output()).isZero();
        assertThat(Json.tree(shown.output().getBytes(StandardCharsets.UTF_8)).path("invocations").asLong()).isEqualTo(5);
        assertThat(cli("budgets", "list").output()).contains(key.id());
        Result jwt = cli("budgets", "set", "jwt:https://issuer.example/ user-1", "--wall-clock-seconds", "60");
        assertThat(jwt.exit()).as(jwt.output()).isZero();
        assertThat(jwt.output()).contains("jwt:https://issuer.example/ user-1");
        assertThat(cli("budgets", "rm", "jwt:https://issuer.example/ user-1").exit()).isZero();

        Result bad = cli("budgets", "set", key.id(), "--invocations", "0");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.output()).contains("--invocations: 0 (expected: a whole number from 1)");
        assertThat(cli("budgets", "rm", key.id()).output()).contains("removed the budget of " + key.id());
        Result gone = cli("budgets", "get", key.id());
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.output()).contains("No budget for principal " + key.id());
    }

    private record Result(int exit, String output) {}

    /** {@code hearth ARGS} against this server, signed with the root key, as an operator runs it. */
    private static Result cli(String... args) throws Exception {
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.hearth.cli.Main"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Signed.serverEnvironment());
        builder.environment().put("HEARTH_ENDPOINT", server.endpoint().toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    /** A READY counter runtime whose callers present bearer tokens of {@code discoveryUrl}'s provider. */
    private static String jwtCounter(URI discoveryUrl) throws Exception {
        String name = "budget_jwt_" + ProcessHandle.current().pid();
        Agents.copyTree(HearthExtension.repoRoot().resolve("examples/python-counter"),
                Agents.artifacts(dataDir).resolve("test-artifacts").resolve(name));
        var control = Clients.of(server.endpoint()).control();
        var created = control.createAgentRuntime(r -> r.agentRuntimeName(name)
                .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                        .code(code -> code.s3(s3 -> s3.bucket("test-artifacts").prefix(name)))
                        .runtime("PYTHON_3_12").entryPoint("agent.py")))
                .roleArn("arn:aws:iam::000000000000:role/test")
                .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC))
                .authorizerConfiguration(a -> a.customJWTAuthorizer(j -> j.discoveryUrl(discoveryUrl.toString())
                        .allowedAudience(AUDIENCE))));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> control
                .getAgentRuntime(g -> g.agentRuntimeId(created.agentRuntimeId())).status() == AgentRuntimeStatus.READY);
        return created.agentRuntimeArn();
    }

    private static HttpResponse<String> invokeWithToken(String arn, String token, String session) throws Exception {
        URI uri = server.endpoint().resolve("/runtimes/" + URLEncoder.encode(arn, StandardCharsets.UTF_8) + "/invocations");
        return HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"hi\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A new key of the root tenant, so that no test sees another's budgets. */
    private static AccessKey rootKey() throws Exception {
        return AccessKeys.create(server.endpoint(), Optional.empty());
    }

    private static String principal(AccessKey key) {
        return "/hearth/v1/budgets/principals/" + key.id();
    }

    private static SessionInfo ended(String session) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> find(session).isPresent());
        return find(session).orElseThrow();
    }

    private static Optional<SessionInfo> find(String session) {
        return server.sessions().all().stream()
                .filter(s -> s.sessionId().equals(session) && s.endedAt().isPresent()).findFirst();
    }

    private static void assertDenied(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType").orElse("")).startsWith("AccessDeniedException");
        assertThat(response.body()).contains("not for callers of account " + TENANT_B);
    }

    private static void assertValidation(HttpResponse<String> response, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType").orElse("")).startsWith("ValidationException");
        assertThat(response.body()).contains(message.replace("\"", "\\\""));
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
