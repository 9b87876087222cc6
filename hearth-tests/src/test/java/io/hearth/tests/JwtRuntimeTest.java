package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import io.hearth.api.Json;
import io.hearth.auth.testing.OidcProviderFixture;
import io.hearth.server.HearthServer;
import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.NetworkMode;
import tools.jackson.databind.JsonNode;

/**
 * Runtimes with a customJWTAuthorizer, created through the AWS SDK and called over plain HTTP with tokens of a real
 * OpenID Connect provider, as OAuth callers do.
 */
class JwtRuntimeTest {
    static final String AGENT = "hearth-tests/src/test/resources/agents/echo-headers";
    static final String AUDIENCE = "hearth-agents";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static Path dataDir;
    private static HearthServer server;
    private static OidcProviderFixture provider;
    private static Clients clients;
    private static Agents.Runtime jwtRuntime;
    private static Agents.Runtime sigV4Runtime;

    @BeforeAll
    static void start() throws Exception {
        provider = OidcProviderFixture.start();
        dataDir = Files.createTempDirectory("hearth-jwt-");
        server = HearthServer.start(HearthExtension.testConfig(dataDir));
        clients = Clients.of(server.endpoint());
        jwtRuntime = deploy(clients, dataDir, Optional.of(provider.discoveryUrl()));
        sigV4Runtime = deploy(clients, dataDir, Optional.empty());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (provider != null) {
            provider.close();
        }
        HearthExtension.deleteTree(dataDir);
    }

    @Test
    void aValidTokenReachesTheAgentWithItsAuthorization() throws Exception {
        String token = provider.token().audience(AUDIENCE).sign();
        HttpResponse<String> response = invoke(jwtRuntime, Optional.of("Bearer " + token), Invoker.newSessionId());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode headers = Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).path("headers");
        assertThat(headers.path("authorization").asString()).isEqualTo("Bearer " + token);
        // The workload token names the token's subject as the end user.
        assertThat(SignedJWT.parse(headers.path("workloadaccesstoken").asString()).getJWTClaimsSet().getSubject())
                .isEqualTo("user-1");
    }

    @Test
    void aBearerCallerStopsItsSession() throws Exception {
        String session = Invoker.newSessionId();
        String token = provider.token().audience(AUDIENCE).sign();
        assertThat(invoke(jwtRuntime, Optional.of("Bearer " + token), session).statusCode()).isEqualTo(200);
        HttpResponse<String> stopped = HTTP.send(HttpRequest.newBuilder(path(jwtRuntime, "/stopruntimesession"))
                .header("Authorization", "Bearer " + token)
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
    }

    @Test
    void commandsTakeTheSameBearerAndChallengeAsInvocations() throws Exception {
        String body = "{\"command\":\"echo via-bearer\"}";
        var unsigned = HTTP.send(HttpRequest.newBuilder(path(jwtRuntime, "/commands"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).contains("UnauthorizedException");
        assertThat(unsigned.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer resource_metadata="));

        String token = provider.token().audience(AUDIENCE).sign();
        var ran = HTTP.send(HttpRequest.newBuilder(path(jwtRuntime, "/commands"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", Invoker.newSessionId())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ran.statusCode()).isEqualTo(200);
        assertThat(ran.headers().firstValue("Content-Type")).contains("application/vnd.amazon.eventstream");
        // The event stream is binary; its stdout delta carries the text as it was printed.
        assertThat(new String(ran.body(), StandardCharsets.ISO_8859_1)).contains("via-bearer");
    }

    @Test
    void aMissingTokenIsChallengedAndTheMetadataIsServed() throws Exception {
        HttpResponse<String> response = invoke(jwtRuntime, Optional.empty(), Invoker.newSessionId());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("UnauthorizedException");
        String base = server.endpoint().toString().replaceAll("/$", "");
        String escaped = URLEncoder.encode(jwtRuntime.arn(), StandardCharsets.UTF_8);
        String metadataUrl = base + "/runtimes/" + escaped + "/invocations/.well-known/oauth-protected-resource?qualifier=DEFAULT";
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .contains("Bearer resource_metadata=\"" + metadataUrl + "\"");

        HttpResponse<String> metadata = HTTP.send(HttpRequest.newBuilder(URI.create(metadataUrl)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).as(metadata.body()).isEqualTo(200);
        JsonNode document = Json.tree(metadata.body().getBytes(StandardCharsets.UTF_8));
        assertThat(document.path("resource").asString()).isEqualTo(base + "/runtimes/" + escaped + "/invocations");
        assertThat(document.path("authorization_servers").get(0).asString()).isEqualTo(provider.issuer());
        assertThat(document.path("bearer_methods_supported").get(0).asString()).isEqualTo("header");

        // A SigV4 runtime has no such document.
        String other = base + "/runtimes/" + URLEncoder.encode(sigV4Runtime.arn(), StandardCharsets.UTF_8)
                + "/invocations/.well-known/oauth-protected-resource";
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(other)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    @Test
    void badTokensAreRefusedWithWhatWasWrong() throws Exception {
        Instant now = Instant.now();
        var cases = new java.util.LinkedHashMap<String, String>();
        cases.put("exp", provider.token().audience(AUDIENCE).issuedAt(now.minus(Duration.ofHours(1)))
                .expiresAt(now.minus(Duration.ofMinutes(10))).sign());
        cases.put("aud", provider.token().audience("someone-else").sign());
        cases.put("none", provider.token().audience(AUDIENCE).unsigned());
        cases.put("signature", provider.token().audience(AUDIENCE)
                .signedWith(OidcProviderFixture.foreignRsaKey(provider.rsaKeyId())).sign());
        for (var entry : cases.entrySet()) {
            HttpResponse<String> response = invoke(jwtRuntime, Optional.of("Bearer " + entry.getValue()), Invoker.newSessionId());
            assertThat(response.statusCode()).as(entry.getKey() + ": " + response.body()).isEqualTo(401);
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("UnauthorizedException");
            assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
            String message = Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).path("message").asString();
            assertThat(message).as(entry.getKey()).containsIgnoringCase(entry.getKey()).doesNotContain(entry.getValue());
        }
    }

    @Test
    void aSigV4CallToAJwtRuntimeIsRefused() {
        assertThatThrownBy(() -> clients.data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(jwtRuntime.arn())
                .runtimeSessionId(Invoker.newSessionId()).payload(SdkBytes.fromUtf8String("{}"))))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("Authorization method mismatch");
                });
    }

    @Test
    void aBearerCallToASigV4RuntimeIsRefused() throws Exception {
        String token = provider.token().audience(AUDIENCE).sign();
        HttpResponse<String> response = invoke(sigV4Runtime, Optional.of("Bearer " + token), Invoker.newSessionId());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("AccessDeniedException");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        // Without any credentials, a SigV4 runtime answers as AWS does: 403, no challenge.
        HttpResponse<String> none = invoke(sigV4Runtime, Optional.empty(), Invoker.newSessionId());
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.headers().firstValue("x-amzn-ErrorType")).contains("MissingAuthenticationTokenException");
    }

    @Test
    void keysRotatedAtTheProviderAreFollowed() throws Exception {
        Agents.Runtime runtime = deploy(clients, dataDir, Optional.of(provider.discoveryUrl()));
        assertThat(invoke(runtime, Optional.of("Bearer " + provider.token().audience(AUDIENCE).sign()),
                Invoker.newSessionId()).statusCode()).isEqualTo(200);
        String rotated = provider.rotateRsaKey();
        String token = provider.token().audience(AUDIENCE).sign();
        assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo(rotated);
        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        HttpResponse<String> response = invoke(runtime, Optional.of("Bearer " + token), Invoker.newSessionId());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    static HttpResponse<String> invoke(Agents.Runtime runtime, Optional<String> authorization, String session)
            throws Exception {
        var request = HttpRequest.newBuilder(path(runtime, "/invocations"))
                .header("Content-Type", "application/json")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"hi\"}"));
        authorization.ifPresent(a -> request.header("Authorization", a));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI path(Agents.Runtime runtime, String operation) {
        return server.endpoint().resolve("/runtimes/" + URLEncoder.encode(runtime.arn(), StandardCharsets.UTF_8) + operation);
    }

    /** A READY runtime of the header-echoing agent, with a JWT authorizer for {@code discoveryUrl} when given. */
    static Agents.Runtime deploy(Clients clients, Path dataDir, Optional<URI> discoveryUrl) {
        String name = "jwt_echo_" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        Agents.copyTree(HearthExtension.repoRoot().resolve(AGENT), Agents.artifacts(dataDir).resolve("test-artifacts").resolve(name));
        var created = clients.control().createAgentRuntime(r -> {
            r.agentRuntimeName(name)
                    .agentRuntimeArtifact(a -> a.codeConfiguration(c -> c
                            .code(code -> code.s3(s3 -> s3.bucket("test-artifacts").prefix(name)))
                            .runtime("PYTHON_3_12")
                            .entryPoint("agent.py")))
                    .roleArn("arn:aws:iam::000000000000:role/test")
                    .networkConfiguration(n -> n.networkMode(NetworkMode.PUBLIC));
            discoveryUrl.ifPresent(url -> r.authorizerConfiguration(a -> a.customJWTAuthorizer(j -> j
                    .discoveryUrl(url.toString()).allowedAudience(AUDIENCE))));
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> clients.control()
                .getAgentRuntime(g -> g.agentRuntimeId(created.agentRuntimeId())).status() == AgentRuntimeStatus.READY);
        return new Agents.Runtime(created.agentRuntimeId(), created.agentRuntimeArn());
    }
}
