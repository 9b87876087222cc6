package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.Json;
import io.hearth.auth.AccessKey;
import io.hearth.auth.SigV4Signer;
import io.hearth.server.AuthSettings;
import io.hearth.server.HearthServer;
import io.hearth.server.UnauthenticatedRemoteException;
import io.hearth.testing.Agents;
import io.hearth.testing.Clients;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.ServerProcess;
import io.hearth.testing.Signed;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import tools.jackson.databind.JsonNode;

/** SigV4 on every plane of a real server: the real SDK clients, curl, raw signed HTTP and the CLI. */
class AuthTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path dataDir;
    private static HearthServer server;
    private static Agents.Runtime counter;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("hearth-auth-");
        server = HearthServer.start(HearthExtension.testConfig(dataDir));
        counter = new Agents(Clients.of(server.endpoint()), dataDir).pythonCounter();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        HearthExtension.deleteTree(dataDir);
    }

    @Test
    void unsignedRequestsAreRefusedOnEveryPlane() throws Exception {
        String invocations = "/runtimes/" + URLEncoder.encode(counter.arn(), StandardCharsets.UTF_8) + "/invocations";
        for (var call : List.of(List.of("POST", "/runtimes/"), List.of("GET", "/runtimes/" + counter.id() + "/"),
                List.of("POST", invocations), List.of("GET", "/hearth/v1/sessions"), List.of("GET", "/hearth/v1/keys"),
                List.of("GET", "/metrics"))) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.endpoint().resolve(call.get(1)))
                    .method(call.get(0), HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(call.toString()).isEqualTo(403);
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).as(call.toString()).contains("MissingAuthenticationTokenException");
            assertThat(Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).path("__type").asString())
                    .isEqualTo("MissingAuthenticationTokenException");
        }
        // A bearer token on the data plane is the runtime's to judge; a runtime without a JWT authorizer refuses it.
        HttpResponse<String> bearer = HTTP.send(HttpRequest.newBuilder(server.endpoint().resolve(invocations))
                .header("Authorization", "Bearer abc.def.ghi").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.statusCode()).isEqualTo(403);
        assertThat(bearer.headers().firstValue("x-amzn-ErrorType")).contains("AccessDeniedException");
        // Liveness probes stay open.
        assertThat(HTTP.send(HttpRequest.newBuilder(server.endpoint().resolve("/hearth/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void theSdksAreTheRightKeyAndNothingElse() {
        var right = Clients.of(server.endpoint());
        assertThat(right.control().listAgentRuntimes(r -> {}).agentRuntimes()).isNotEmpty();
        assertThat(new Invoker(right.data(), counter.arn()).count(Invoker.newSessionId())).isEqualTo(1);

        var unknown = Clients.of(server.endpoint(), "AKIDUNKNOWN", Clients.SECRET_ACCESS_KEY);
        assertThat(errorCode(() -> unknown.control().listAgentRuntimes(r -> {}))).isEqualTo("UnrecognizedClientException");
        assertThat(errorCode(() -> new Invoker(unknown.data(), counter.arn()).count(Invoker.newSessionId())))
                .isEqualTo("UnrecognizedClientException");

        var wrongSecret = Clients.of(server.endpoint(), Clients.ACCESS_KEY_ID, "not-the-secret");
        assertThat(errorCode(() -> wrongSecret.control().listAgentRuntimes(r -> {}))).isEqualTo("InvalidSignatureException");
        assertThat(errorCode(() -> new Invoker(wrongSecret.data(), counter.arn()).count(Invoker.newSessionId())))
                .isEqualTo("InvalidSignatureException");
    }

    @Test
    void aRequestSignedTwentyMinutesAgoHasExpired() throws Exception {
        var past = new SigV4Signer(Signed.ROOT_KEY, Signed.REGION,
                Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC));
        URI uri = server.endpoint().resolve("/hearth/v1/sessions");
        var request = HttpRequest.newBuilder(uri).GET();
        past.sign("GET", uri, Map.of(), SigV4Signer.sha256Hex(new byte[0])).forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");
        assertThat(response.body()).contains("Signature expired");
    }

    @Test
    void aBodyChangedAfterSigningNeverReachesTheAgentWhole() throws Exception {
        String session = Invoker.newSessionId();
        URI uri = server.endpoint().resolve("/runtimes/" + URLEncoder.encode(counter.arn(), StandardCharsets.UTF_8) + "/invocations");
        byte[] signedBody = "{\"prompt\":\"count\"}".getBytes(StandardCharsets.UTF_8);
        byte[] sentBody = "{\"prompt\":\"COUNT\"}".getBytes(StandardCharsets.UTF_8);
        var request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofByteArray(sentBody));
        new SigV4Signer(Signed.ROOT_KEY, Signed.REGION).sign("POST", uri,
                        Map.of("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session), SigV4Signer.sha256Hex(signedBody))
                .forEach(request::header);
        HttpResponse<String> tampered;
        try {
            tampered = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tampered.statusCode()).as(tampered.body()).isEqualTo(403);
            assertThat(tampered.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");
        } catch (java.io.IOException cut) {
            // the connection may end instead: the refusal closes it
        }
        // Had the agent been handed the request, this would be its second invocation.
        assertThat(new Invoker(Clients.of(server.endpoint()).data(), counter.arn()).count(session)).isEqualTo(1);

        // The same on the control plane: the runtime is not created.
        URI create = server.endpoint().resolve("/runtimes/");
        byte[] body = "{\"agentRuntimeName\":\"tampered\"}".getBytes(StandardCharsets.UTF_8);
        var controlRequest = HttpRequest.newBuilder(create).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"agentRuntimeName\":\"tamperxd\"}"));
        new SigV4Signer(Signed.ROOT_KEY, Signed.REGION).sign("PUT", create, Map.of(), SigV4Signer.sha256Hex(body))
                .forEach(controlRequest::header);
        HttpResponse<String> refused = HTTP.send(controlRequest.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");
    }

    @Test
    void aLargeBodySignedOnlyInItsSignatureIsSpooledAndCheckedAtItsEnd() throws Exception {
        // As curl, or a JS SDK signer with applyChecksum off, sends it: the body's hash in the signature only.
        URI uri = server.endpoint().resolve("/runtimes/" + URLEncoder.encode(counter.arn(), StandardCharsets.UTF_8) + "/invocations");
        String pad = "x".repeat(5 << 20);
        byte[] body = ("{\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
        var signer = new SigV4Signer(Signed.ROOT_KEY, Signed.REGION);

        String session = Invoker.newSessionId();
        var request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signer.signWithoutContentHeader("POST", uri, Map.of("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session), body)
                .forEach(request::header);
        HttpResponse<String> accepted = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body().substring(0, Math.min(300, accepted.body().length()))).isEqualTo(200);
        JsonNode answer = Json.tree(accepted.body().getBytes(StandardCharsets.UTF_8));
        assertThat(answer.path("count").asInt()).isEqualTo(1);
        assertThat(answer.path("echo").path("pad").asString()).hasSize(pad.length());

        String other = Invoker.newSessionId();
        byte[] tamperedBody = body.clone();
        tamperedBody[tamperedBody.length - 3] = 'y';
        var tamperedRequest = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", other)
                .POST(HttpRequest.BodyPublishers.ofByteArray(tamperedBody));
        signer.signWithoutContentHeader("POST", uri, Map.of("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", other), body)
                .forEach(tamperedRequest::header);
        try {
            HttpResponse<String> refused = HTTP.send(tamperedRequest.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(refused.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");
        } catch (java.io.IOException cut) {
            // the connection may end instead: the refusal closes it
        }
        // Had the agent been handed the tampered body, this would be the session's second invocation.
        assertThat(new Invoker(Clients.of(server.endpoint()).data(), counter.arn()).count(other)).isEqualTo(1);

        Path spool = dataDir.resolve("spool");
        assertThat(Files.getPosixFilePermissions(spool)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var left = Files.list(spool)) {
            assertThat(left.toList()).isEmpty();
        }
        // Unlinked at once, each file is closed too once its request is over: no descriptor of this process holds one.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> held;
        do {
            held = new ArrayList<>();
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith(spool.toString())) {
                            held.add(target);
                        }
                    } catch (java.io.IOException gone) {
                        // closed while listed
                    }
                }
            }
        } while (!held.isEmpty() && System.nanoTime() < deadline && sleep(50));
        assertThat(held).isEmpty();
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    @Test
    void curlSignsTheRuntimeIdFormAndIsAccepted() throws Exception {
        String url = server.endpoint() + "/runtimes/" + counter.id() + "/invocations?accountId=000000000000";
        Process curl = new ProcessBuilder("curl", "-sS", "-w", "\n%{http_code}", "-X", "POST", url,
                "--aws-sigv4", "aws:amz:us-east-1:bedrock-agentcore", "--user", Clients.ACCESS_KEY_ID + ":" + Clients.SECRET_ACCESS_KEY,
                "-H", "Content-Type: application/json",
                "-H", "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: " + Invoker.newSessionId(),
                "-d", "{\"prompt\":\"count\"}").redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).endsWith("\n200").contains("\"count\": 1");

        Process wrong = new ProcessBuilder("curl", "-sS", "-w", "\n%{http_code}", "-X", "POST", url,
                "--aws-sigv4", "aws:amz:us-east-1:bedrock-agentcore", "--user", Clients.ACCESS_KEY_ID + ":wrong",
                "-H", "Content-Type: application/json",
                "-H", "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: " + Invoker.newSessionId(),
                "-d", "{\"prompt\":\"count\"}").redirectErrorStream(true).start();
        String refused = new String(wrong.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(wrong.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(refused).endsWith("\n403").contains("InvalidSignatureException");

        // curl signs the body's hash without sending it: a body over the in-memory bound waits in the spool instead.
        Path big = Files.createTempFile(dataDir, "big", ".json");
        Files.writeString(big, "{\"prompt\":\"" + "x".repeat(2 << 20) + "\"}");
        Process tooBig = new ProcessBuilder("curl", "-sS", "-w", "\n%{http_code}", "-X", "POST", url,
                "--aws-sigv4", "aws:amz:us-east-1:bedrock-agentcore", "--user", Clients.ACCESS_KEY_ID + ":" + Clients.SECRET_ACCESS_KEY,
                "-H", "Content-Type: application/json",
                "-H", "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: " + Invoker.newSessionId(),
                "--data-binary", "@" + big).redirectErrorStream(true).start();
        String tooBigOutput = new String(tooBig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tooBig.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tooBigOutput.substring(0, Math.min(200, tooBigOutput.length()))).contains("\"count\": 1");
        assertThat(tooBigOutput.substring(tooBigOutput.length() - 4)).isEqualTo("\n200");
    }

    @Test
    void aDisabledKeyStopsWorkingAtOnce() throws Exception {
        JsonNode created = signed("POST", "/hearth/v1/keys", "{\"description\":\"ci\"}", 201);
        String id = created.path("accessKeyId").asString();
        String secret = created.path("secretAccessKey").asString();
        assertThat(id).matches("HK[A-Z0-9]{18}");
        assertThat(secret).hasSize(40);
        var clients = Clients.of(server.endpoint(), id, secret);
        assertThat(clients.control().listAgentRuntimes(r -> {}).agentRuntimes()).isNotEmpty();

        JsonNode listed = signed("GET", "/hearth/v1/keys", "", 200);
        assertThat(listed.toString()).contains(id).doesNotContain(secret);

        signed("POST", "/hearth/v1/keys/" + id + "/disable", "", 200);
        assertThat(errorCode(() -> clients.control().listAgentRuntimes(r -> {}))).isEqualTo("UnrecognizedClientException");
        signed("POST", "/hearth/v1/keys/" + id + "/enable", "", 200);
        assertThat(clients.control().listAgentRuntimes(r -> {}).agentRuntimes()).isNotEmpty();
        signed("DELETE", "/hearth/v1/keys/" + id, "", 204);
        assertThat(errorCode(() -> clients.control().listAgentRuntimes(r -> {}))).isEqualTo("UnrecognizedClientException");
    }

    @Test
    void aFirstStartCreatesARootKeyAndWritesItForTheCli() throws Exception {
        Path data = Files.createTempDirectory("hearth-auth-first-");
        try (HearthServer first = HearthServer.start(HearthExtension.testConfig(data).withAuth(AuthSettings.DEFAULT))) {
            Path credentials = data.resolve("credentials");
            assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(data.resolve("master.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            Map<String, String> ini = ini(credentials);
            assertThat(ini.get("aws_access_key_id")).matches("HK[A-Z0-9]{18}");
            assertThat(ini.get("region")).isEqualTo("us-east-1");
            assertThat(Clients.of(first.endpoint(), ini.get("aws_access_key_id"), ini.get("aws_secret_access_key"))
                    .control().listAgentRuntimes(r -> {}).agentRuntimes()).isEmpty();
            // The secret is stored encrypted: it is nowhere in the database files.
            for (Path file : List.of(data.resolve("hearth.db"), data.resolve("hearth.db-wal"))) {
                if (Files.exists(file)) {
                    assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                            .doesNotContain(ini.get("aws_secret_access_key"));
                }
            }
        } finally {
            HearthExtension.deleteTree(data);
        }
    }

    @Test
    void noAuthIsForLoopbackUnlessAskedFor() throws Exception {
        Path data = Files.createTempDirectory("hearth-auth-none-");
        try {
            assertThatThrownBy(() -> HearthServer.start(HearthExtension.testConfig(data).withBind("0.0.0.0")
                    .withAuth(AuthSettings.none(false))))
                    .isInstanceOf(UnauthenticatedRemoteException.class)
                    .hasMessageContaining("--allow-unauthenticated-remote");
            try (HearthServer open = HearthServer.start(HearthExtension.testConfig(data).withAuth(AuthSettings.none(false)))) {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(open.endpoint().resolve("/hearth/v1/sessions")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            }
            Process cli = cli(Map.of(), "server", "--no-auth", "--bind", "0.0.0.0", "--port", "0", "--data-dir", data.toString(),
                    "--isolation", "process").start();
            String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).as(output).isNotZero();
            assertThat(output).contains("is not loopback").contains("--allow-unauthenticated-remote");
        } finally {
            HearthExtension.deleteTree(data);
        }
    }

    @Test
    void theRootKeyFromTheEnvironmentAndTheCliKeysCommands() throws Exception {
        Path data = Files.createTempDirectory("hearth-auth-env-");
        try (ServerProcess process = ServerProcess.start(data, List.of())) {
            Path credentials = data.resolve("credentials");
            assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(ini(credentials)).containsEntry("aws_access_key_id", Clients.ACCESS_KEY_ID)
                    .containsEntry("aws_secret_access_key", Clients.SECRET_ACCESS_KEY);
            Map<String, String> env = Map.of("HEARTH_ENDPOINT", process.endpoint().toString());

            // The CLI signs with the credentials file of the data dir, nothing pasted.
            JsonNode created = Json.tree(run(cli(env, "keys", "create", "--json", "--description", "ci", "--data-dir", data.toString()))
                    .getBytes(StandardCharsets.UTF_8));
            String id = created.path("accessKeyId").asString();
            var clients = Clients.of(process.endpoint(), id, created.path("secretAccessKey").asString());
            assertThat(clients.control().listAgentRuntimes(r -> {}).agentRuntimes()).isEmpty();

            String table = run(cli(env, "keys", "list", "--data-dir", data.toString()));
            assertThat(table).contains("ID").contains(Clients.ACCESS_KEY_ID).contains(id).contains("enabled")
                    .doesNotContain(created.path("secretAccessKey").asString());
            assertThat(run(cli(env, "keys", "disable", id, "--data-dir", data.toString()))).contains(id).contains("disabled");
            assertThat(errorCode(() -> clients.control().listAgentRuntimes(r -> {}))).isEqualTo("UnrecognizedClientException");
        } finally {
            HearthExtension.deleteTree(data);
        }
    }

    private static JsonNode signed(String method, String path, String body, int expectedStatus) throws Exception {
        HttpResponse<String> response = HTTP.send(Signed.request(method, server.endpoint().resolve(path), body).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expectedStatus);
        return response.body().isEmpty() ? Json.mapper().createObjectNode() : Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static String errorCode(Runnable call) {
        try {
            call.run();
        } catch (AwsServiceException e) {
            return e.awsErrorDetails().errorCode();
        }
        throw new AssertionError("the call succeeded (expected: refused)");
    }

    private static Map<String, String> ini(Path file) throws Exception {
        var values = new java.util.HashMap<String, String>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertThat(Files.readAllLines(file).getFirst()).isEqualTo("[default]");
        return values;
    }

    private static ProcessBuilder cli(Map<String, String> env, String... args) {
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + HearthExtension.repoRoot().resolve("hearth-cli/src/main/jvm/hearth.jvmopts"),
                "-cp", System.getProperty("java.class.path"), "io.hearth.cli.Main"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("HEARTH_ACCESS_KEY_ID");
        builder.environment().remove("HEARTH_SECRET_ACCESS_KEY");
        builder.environment().putAll(env);
        return builder;
    }

    private static String run(ProcessBuilder builder) throws Exception {
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
