package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hearth.api.Json;
import io.hearth.server.HearthServer;
import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import tools.jackson.databind.JsonNode;

/** Every invocation hands its agent a workload access token signed by Hearth, checkable with Hearth's JWKS. */
class WorkloadTokenTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path dataDir;
    private static HearthServer server;
    private static Clients clients;
    private static Agents.Runtime runtime;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("hearth-wat-");
        server = HearthServer.start(HearthExtension.testConfig(dataDir));
        clients = Clients.of(server.endpoint());
        runtime = JwtRuntimeTest.deploy(clients, dataDir, Optional.empty());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        HearthExtension.deleteTree(dataDir);
    }

    @Test
    void theAgentGetsASignedTokenNamingItsCallerAndNeverTheCallersOwn() throws Exception {
        String session = Invoker.newSessionId();
        var answer = clients.data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(runtime.arn())
                .runtimeSessionId(session)
                .runtimeUserId("alice")
                .overrideConfiguration(o -> o.putHeader("WorkloadAccessToken", "forged")
                        .putHeader("X-Amz-Bedrock-AgentCore-Identity-WAT", "forged"))
                .payload(SdkBytes.fromUtf8String("{}")));
        JsonNode headers = Json.tree(answer.asByteArray()).path("headers");
        String token = headers.path("workloadaccesstoken").asString();
        assertThat(token).isNotEqualTo("forged").isNotEmpty();
        assertThat(headers.path("x-amz-bedrock-agentcore-identity-wat").asString()).isEqualTo(token);

        HttpResponse<String> jwks = HTTP.send(HttpRequest.newBuilder(
                server.endpoint().resolve("/hearth/v1/.well-known/jwks.json")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(jwks.statusCode()).isEqualTo(200);
        JWKSet keys = JWKSet.parse(jwks.body());
        assertThat(keys.getKeys()).hasSize(1).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.verify(new ECDSAVerifier(keys.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey()))).isTrue();

        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        String base = server.endpoint().toString().replaceAll("/$", "");
        assertThat(claims.getIssuer()).isEqualTo(base);
        assertThat(claims.getAudience()).isEqualTo(List.of(runtime.arn()));
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringClaim("user_id")).isEqualTo("alice");
        assertThat(claims.getStringClaim("tenant")).isEqualTo(runtime.arn().split(":")[4]);
        assertThat(claims.getStringClaim("runtime_arn")).isEqualTo(runtime.arn());
        assertThat(claims.getStringClaim("endpoint")).isEqualTo("DEFAULT");
        assertThat(claims.getStringClaim("session_id")).isEqualTo(session);
        assertThat(claims.getExpirationTime().toInstant()).isAfter(Instant.now())
                .isBefore(Instant.now().plus(Duration.ofMinutes(16)));

        // The signing key stays in the data dir, readable by its owner only.
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("workload-token.jwk")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void callsOfOneCallerInOneSessionShareATokenAndEveryOtherSessionGetsItsOwn() throws Exception {
        var invoker = new Invoker(clients.data(), runtime.arn());
        String session = Invoker.newSessionId();
        String first = invoker.invoke(session, "{}").path("headers").path("workloadaccesstoken").asString();
        String again = invoker.invoke(session, "{}").path("headers").path("workloadaccesstoken").asString();
        assertThat(again).as("within a minute, the same caller and session").isEqualTo(first);
        String second = invoker.invoke(Invoker.newSessionId(), "{}").path("headers").path("workloadaccesstoken").asString();
        assertThat(first).isNotEmpty().isNotEqualTo(second);
        assertThat(SignedJWT.parse(second).getJWTClaimsSet().getStringClaim("session_id")).isNotEqualTo(session);
        // Without a user id, the subject is the calling access key.
        assertThat(SignedJWT.parse(second).getJWTClaimsSet().getSubject()).isEqualTo(Clients.ACCESS_KEY_ID);
    }
}
