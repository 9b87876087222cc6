package io.hearth.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.Json;
import io.hearth.deployment.AgentIdentity;
import io.hearth.sandbox.MetadataRoute;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import tools.jackson.databind.JsonNode;

/**
 * The metadata service against the AWS SDK for Java's own IMDS and container credentials providers, over real
 * sockets: the IMDS listener on the host address isolated sandboxes are routed to (the test connects from that
 * address itself, which stands for a sandbox), the container listener on loopback.
 */
class MetadataServiceTest {
    static final String ROLE_A = "arn:aws:iam::111122223333:role/agent-a";
    static final String ROLE_B = "arn:aws:iam::111122223333:role/team/agent-b";
    static final String ROLE_NONE = "arn:aws:iam::111122223333:role/unserved";
    static final String SANDBOX = "sb-aaaaaaaaaaaaaaaaaaaa";

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final AtomicReference<String> caller = new AtomicReference<>(SANDBOX);
    MetadataService service;
    String imds;

    @BeforeEach
    void start(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("roles.json");
        Files.writeString(file, Json.writeString(Map.of(
                ROLE_A, Map.of("accessKeyId", "AKIAAAAAAAAAAAAAAAAA", "secretAccessKey", "secret-a"),
                ROLE_B, Map.of("accessKeyId", "ASIABBBBBBBBBBBBBBBB", "secretAccessKey", "secret-b", "sessionToken", "token-b"))));
        service = MetadataService.start(RoleCredentialSources.load(file),
                source -> source.equals(MetadataRoute.HOST_ADDRESS) ? Optional.ofNullable(caller.get()) : Optional.empty(),
                "eu-west-1", true);
        imds = "http://" + MetadataRoute.HOST_ADDRESS.getHostAddress() + ":" + service.imdsAddress().orElseThrow().getPort();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void theSdksInstanceProfileProviderGetsTheSandboxsRoleWithImdsV2() {
        var registration = service.register(SANDBOX, new AgentIdentity(Optional.of(ROLE_B), true), false);
        assertThat(registration.route()).contains(new MetadataRoute(service.imdsAddress().orElseThrow().getPort()));
        assertThat(registration.environment()).isEmpty();

        try (var provider = InstanceProfileCredentialsProvider.builder().endpoint(imds).build()) {
            AwsCredentials credentials = provider.resolveCredentials();
            assertThat(credentials.accessKeyId()).isEqualTo("ASIABBBBBBBBBBBBBBBB");
            assertThat(credentials.secretAccessKey()).isEqualTo("secret-b");
            assertThat(((AwsSessionCredentials) credentials).sessionToken()).isEqualTo("token-b");
        }
    }

    @Test
    void imdsV1IsRefusedWhenTheRuntimeRequiresV2AndServedOtherwise() throws Exception {
        service.register(SANDBOX, new AgentIdentity(Optional.of(ROLE_A), true), false);
        var v1 = get("/latest/meta-data/iam/security-credentials/", Map.of());
        assertThat(v1.statusCode()).isEqualTo(401);
        assertThat(v1.body()).contains("requireMMDSV2");

        String token = token("60").body();
        assertThat(get("/latest/meta-data/iam/security-credentials/", Map.of("X-aws-ec2-metadata-token", token)).body())
                .isEqualTo("agent-a");
        var credentials = get("/latest/meta-data/iam/security-credentials/agent-a", Map.of("X-aws-ec2-metadata-token", token));
        JsonNode body = Json.tree(credentials.body().getBytes());
        assertThat(body.path("Code").asString()).isEqualTo("Success");
        assertThat(body.path("Type").asString()).isEqualTo("AWS-HMAC");
        assertThat(body.path("AccessKeyId").asString()).isEqualTo("AKIAAAAAAAAAAAAAAAAA");
        assertThat(body.path("Expiration").asString()).endsWith("Z");
        assertThat(get("/latest/meta-data/iam/security-credentials/", Map.of("X-aws-ec2-metadata-token", "forged")).statusCode())
                .isEqualTo(401);

        service.register(SANDBOX, new AgentIdentity(Optional.of(ROLE_A), false), false);
        assertThat(get("/latest/meta-data/iam/security-credentials/", Map.of()).body()).isEqualTo("agent-a");
    }

    @Test
    void tokenTtlsOutsideOneToSixHoursAreRejected() throws Exception {
        service.register(SANDBOX, new AgentIdentity(Optional.of(ROLE_A), true), false);
        assertThat(token("0").statusCode()).isEqualTo(400);
        assertThat(token("21601").statusCode()).isEqualTo(400);
        assertThat(token("soon").statusCode()).isEqualTo(400);
        var ok = token("21600");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-aws-ec2-metadata-token-ttl-seconds")).contains("21600");
    }

    @Test
    void theRegionAndIdentityDocumentAreServed() throws Exception {
        service.register(SANDBOX, new AgentIdentity(Optional.of(ROLE_A), false), false);
        assertThat(get("/latest/meta-data/placement/region", Map.of()).body()).isEqualTo("eu-west-1");
        JsonNode document = Json.tree(get("/latest/dynamic/instance-identity/document", Map.of()).body().getBytes());
        assertThat(document.path("region").asString()).isEqualTo("eu-west-1");
        assertThat(document.path("accountId").asString()).isEqualTo("111122223333");
    }

    @Test
    void aRoleWithoutSourceIs404AndAnUnknownCallerIs403() throws Exception {
        service.register(SANDBOX, new AgentIdentity(Optional.of(ROLE_NONE), false), false);
        var missing = get("/latest/meta-data/iam/security-credentials/unserved", Map.of());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no credential source is configured for role " + ROLE_NONE);

        caller.set(null);
        assertThat(get("/latest/meta-data/iam/security-credentials/", Map.of()).statusCode()).isEqualTo(403);
    }

    @Test
    void aForgottenSandboxGetsNothing() throws Exception {
        var registration = service.register(SANDBOX, new AgentIdentity(Optional.of(ROLE_A), false), false);
        registration.forget().run();
        assertThat(get("/latest/meta-data/iam/security-credentials/", Map.of()).statusCode()).isEqualTo(403);
    }

    @Test
    void theImdsListenerIsNotOnLoopback() {
        int port = service.imdsAddress().orElseThrow().getPort();
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/latest/meta-data/")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
        assertThat(service.containerAddress().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
    }

    @Test
    void theSdksContainerProviderGetsItsOwnRoleWithItsOwnToken() throws Exception {
        var a = service.register("sb-bbbbbbbbbbbbbbbbbbbb", new AgentIdentity(Optional.of(ROLE_A), false), true);
        var b = service.register("sb-cccccccccccccccccccc", new AgentIdentity(Optional.of(ROLE_B), false), true);
        assertThat(a.route()).isEmpty();
        String uri = a.environment().get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        assertThat(uri).startsWith("http://127.0.0.1:" + service.containerAddress().getPort() + "/credentials/");
        System.setProperty("aws.containerCredentialsFullUri", uri);
        System.setProperty("aws.containerAuthorizationToken", a.environment().get("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
        try (var provider = ContainerCredentialsProvider.builder().build()) {
            assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIAAAAAAAAAAAAAAAAA");
        } finally {
            System.clearProperty("aws.containerCredentialsFullUri");
            System.clearProperty("aws.containerAuthorizationToken");
        }
        var stolen = http.send(HttpRequest.newBuilder(URI.create(uri))
                .header("Authorization", b.environment().get("AWS_CONTAINER_AUTHORIZATION_TOKEN")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stolen.statusCode()).as("another sandbox's token").isEqualTo(403);
        a.forget().run();
        var after = http.send(HttpRequest.newBuilder(URI.create(uri))
                .header("Authorization", a.environment().get("AWS_CONTAINER_AUTHORIZATION_TOKEN")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(after.statusCode()).isEqualTo(403);
    }

    @Test
    void aMalformedFileNamesTheRoleAndTheField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"" + ROLE_A + "\": {\"accessKeyId\": \"AKIAAAAAAAAAAAAAAAAA\"}}");
        assertThatThrownBy(() -> RoleCredentialSources.load(file))
                .hasMessageContaining(ROLE_A).hasMessageContaining("secretAccessKey: missing");
        Files.writeString(file, "{\"not-an-arn\": {\"assumeRole\": {}}}");
        assertThatThrownBy(() -> RoleCredentialSources.load(file)).hasMessageContaining("role: not-an-arn");
        Files.writeString(file, "{\"" + ROLE_A + "\": {\"assumeRole\": {\"durationSeconds\": 60}}}");
        assertThatThrownBy(() -> RoleCredentialSources.load(file)).hasMessageContaining("durationSeconds: 60");
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(imds + path));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> token(String ttl) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(imds + "/latest/api/token"))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .header("X-aws-ec2-metadata-token-ttl-seconds", ttl).build(), HttpResponse.BodyHandlers.ofString());
    }
}
