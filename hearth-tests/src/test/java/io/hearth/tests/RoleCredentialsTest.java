package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hearth.api.Json;
import io.hearth.identity.CredentialSource;
import io.hearth.identity.RoleCredentialSources;
import io.hearth.identity.RoleCredentials;
import io.hearth.sandbox.MetadataRoute;
import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.bedrockagentcorecontrol.model.AgentRuntimeStatus;
import tools.jackson.databind.JsonNode;

/**
 * Agents get their runtime's execution role credentials the way they do on AgentCore: a Node.js agent resolves them
 * with the AWS SDK for JavaScript's default provider chain ({@code fromNodeProviderChain}), inside a real sandbox of
 * whichever driver the suite runs under: through {@code 169.254.169.254} (IMDSv2) under namespaces and gvisor, through
 * the container credentials endpoint under process. Needs {@code node} and {@code npm} (the SDK is installed from
 * npm into the agent's code by the test).
 */
class RoleCredentialsTest {
    static final String ROLE_A = "arn:aws:iam::111122223333:role/agent-a";
    static final String ROLE_B = "arn:aws:iam::111122223333:role/agent-b";
    static final String KEY_A = "AKIAHEARTHTESTROLEAA";
    static final String KEY_B = "ASIAHEARTHTESTROLEBB";
    static final AtomicInteger NAMES = new AtomicInteger();

    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension(c -> c.withRoleCredentials(new RoleCredentialSources(Map.of(
            ROLE_A, new CredentialSource.StaticKeys(new RoleCredentials(KEY_A, "secret-a", Optional.empty(), Optional.empty())),
            ROLE_B, new CredentialSource.StaticKeys(new RoleCredentials(KEY_B, "secret-b", Optional.of("token-b"), Optional.empty()))))));

    static Path agent;
    static Invoker strict;
    static Invoker lenient;

    @BeforeAll
    static void deploy() throws Exception {
        assumeTrue(works("node", "--version") && works("npm", "--version"), "node and npm are needed for the JavaScript SDK agent");
        agent = Files.createTempDirectory("hearth-aws-credentials-agent-");
        Agents.copyTree(HearthExtension.repoRoot().resolve("hearth-tests/src/test/resources/agents/aws-credentials"), agent);
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefer-offline",
                "@aws-sdk/credential-providers@3.1173.0")
                .directory(agent.toFile()).redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes());
        assertThat(npm.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(npm.exitValue()).as("npm install: %s", output).isZero();
        strict = new Invoker(hearth.clients().data(), create(ROLE_A, true).arn());
        lenient = new Invoker(hearth.clients().data(), create(ROLE_B, false).arn());
    }

    @AfterAll
    static void removeAgent() {
        HearthExtension.deleteTree(agent);
    }

    @Test
    void theJavaScriptSdkResolvesTheRuntimesRoleInsideTheSandbox() {
        JsonNode a = strict.invoke(Invoker.newSessionId(), "{\"action\": \"credentials\"}");
        assertThat(a.path("error").isMissingNode()).as("agent: %s", a).isTrue();
        assertThat(a.path("accessKeyId").asString()).isEqualTo(KEY_A);
        assertThat(a.path("secretAccessKey").asString()).isEqualTo("secret-a");
        assertThat(a.path("via").asString()).isEqualTo(HearthExtension.isolation().equals("process") ? "container" : "imds");
        assertThat(Instant.parse(a.path("expiration").asString())).isAfter(Instant.now());

        JsonNode b = lenient.invoke(Invoker.newSessionId(), "{\"action\": \"credentials\"}");
        assertThat(b.path("accessKeyId").asString()).as("another runtime gets its own role: %s", b).isEqualTo(KEY_B);
        assertThat(b.path("sessionToken").asString()).isEqualTo("token-b");
    }

    @Test
    void imdsV1IsRefusedWhenTheRuntimeRequiresV2() {
        assumeThat(HearthExtension.isolation()).as("the process driver's agents use the container endpoint").isNotEqualTo("process");
        JsonNode refused = strict.invoke(Invoker.newSessionId(), "{\"action\": \"imdsv1\"}");
        assertThat(refused.path("status").asInt()).as("%s", refused).isEqualTo(401);

        JsonNode allowed = lenient.invoke(Invoker.newSessionId(), "{\"action\": \"imdsv1\"}");
        assertThat(allowed.path("status").asInt()).as("%s", allowed).isEqualTo(200);
        assertThat(allowed.path("body").asString()).isEqualTo("agent-b");

        JsonNode region = strict.invoke(Invoker.newSessionId(),
                "{\"action\": \"imdsv2\", \"path\": \"/latest/meta-data/placement/region\"}");
        assertThat(region.path("body").asString()).isEqualTo(Signed.REGION);
    }

    @Test
    void aSandboxCannotReachTheListenerExceptThroughTheMetadataAddress() {
        assumeThat(HearthExtension.isolation()).as("process sandboxes share the host's network").isNotEqualTo("process");
        int port = hearth.server().metadata().imdsAddress().orElseThrow().getPort();
        JsonNode direct = strict.invoke(Invoker.newSessionId(), Json.writeString(Map.of(
                "action", "connect", "host", MetadataRoute.HOST_ADDRESS.getHostAddress(), "port", port)));
        assertThat(direct.path("ok").asBoolean()).as("%s", direct).isFalse();
        JsonNode viaMetadata = strict.invoke(Invoker.newSessionId(), Json.writeString(Map.of(
                "action", "connect", "host", "169.254.169.254", "port", 80)));
        assertThat(viaMetadata.path("ok").asBoolean()).as("%s", viaMetadata).isTrue();
    }

    @Test
    void theHostsOtherAddressesDoNotServeTheEndpoints() throws IOException {
        var metadata = hearth.server().metadata();
        var ports = new ArrayList<Integer>(List.of(metadata.containerAddress().getPort()));
        metadata.imdsAddress().ifPresent(a -> ports.add(a.getPort()));
        if (!HearthExtension.isolation().equals("process")) {
            assertThat(metadata.imdsAddress()).as("isolated sandboxes are served").isPresent();
        }
        var addresses = new ArrayList<InetAddress>();
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            nic.inetAddresses().filter(a -> a instanceof Inet4Address)
                    .filter(a -> !a.equals(MetadataRoute.HOST_ADDRESS) && !a.isLoopbackAddress())
                    .forEach(addresses::add);
        }
        for (InetAddress address : addresses) {
            for (int port : ports) {
                assertThatThrownBy(() -> {
                    try (var socket = new Socket()) {
                        socket.connect(new InetSocketAddress(address, port), 2000);
                    }
                }).as("%s:%d", address.getHostAddress(), port).isInstanceOf(ConnectException.class);
            }
        }
        metadata.imdsAddress().ifPresent(imds -> assertThatThrownBy(() -> {
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), imds.getPort()), 2000);
            }
        }).isInstanceOf(ConnectException.class));
    }

    @Test
    void theRuntimeKeepsItsMetadataConfiguration() throws Exception {
        String id = strict.arn().substring(strict.arn().lastIndexOf('/') + 1);
        var response = HttpClient.newHttpClient().send(Signed.get(hearth.endpoint().resolve("/runtimes/" + id + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.tree(response.body().getBytes()).path("metadataConfiguration").path("requireMMDSV2").asBoolean()).isTrue();
    }

    @Test
    void aMetadataConfigurationWithoutItsMemberIsRejected() throws Exception {
        var response = post(body("rejected_" + NAMES.incrementAndGet(), ROLE_A, Map.of()));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("metadataConfiguration.requireMMDSV2");
    }

    private static Agents.Runtime create(String role, boolean requireV2) throws Exception {
        String name = "aws_credentials_" + NAMES.incrementAndGet() + "_" + System.nanoTime() % 100_000;
        Agents.copyTree(agent, Agents.artifacts(hearth.dataDir()).resolve("test-artifacts").resolve(name));
        var response = post(body(name, role, Map.of("requireMMDSV2", requireV2)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode created = Json.tree(response.body().getBytes());
        String id = created.path("agentRuntimeId").asString();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                hearth.clients().control().getAgentRuntime(g -> g.agentRuntimeId(id)).status() == AgentRuntimeStatus.READY);
        return new Agents.Runtime(id, created.path("agentRuntimeArn").asString());
    }

    private static String body(String name, String role, Map<String, Object> metadata) {
        return Json.writeString(Map.of(
                "agentRuntimeName", name,
                "agentRuntimeArtifact", Map.of("codeConfiguration", Map.of(
                        "code", Map.of("s3", Map.of("bucket", "test-artifacts", "prefix", name)),
                        "runtime", "NODE_22",
                        "entryPoint", List.of("agent.mjs"))),
                "roleArn", role,
                "networkConfiguration", Map.of("networkMode", "PUBLIC"),
                "metadataConfiguration", metadata));
    }

    private static HttpResponse<String> post(String body) throws Exception {
        URI uri = hearth.endpoint().resolve("/runtimes/");
        return HttpClient.newHttpClient().send(Signed.request("PUT", uri, body).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean works(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
