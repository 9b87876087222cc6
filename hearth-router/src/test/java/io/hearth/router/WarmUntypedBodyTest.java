package io.hearth.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.AwsIdentity;
import io.hearth.api.Workers;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.Deployments;
import io.hearth.deployment.HearthTags;
import io.hearth.deployment.ServerProtocol;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.launcher.WarmSandboxes;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxDrivers;
import io.hearth.session.SessionManager;
import io.hearth.session.SessionSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm session's invocation whose Content-Type is decided by its first bytes ({@code application/octet-stream}, as
 * the JavaScript client and boto3 send, or none) is proxied without the path that may block: with that path's only
 * worker taken, it is still answered, its body byte for byte.
 */
class WarmUntypedBodyTest {
    static final String RUNTIME_ID = "untyped-abcdefghij";
    static final String SESSION = "warm-untyped-session-0000000000000000001";
    static final AwsIdentity IDENTITY = AwsIdentity.DEFAULT;
    /** Answers the body it got, as it got it, under the Content-Type it got (none: text/x-none). */
    static final String AGENT = """
            import os, socket
            from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
            class H(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def setup(self):
                    super().setup()
                    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                def log_message(self, *a): pass
                def reply(self, body, ctype):
                    self.send_response(200)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def do_GET(self):
                    self.reply(b'{"status":"Healthy"}', "application/json")
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                    self.reply(body, self.headers.get("Content-Type", "text/x-none"))
            ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
            """;

    @TempDir
    static Path data;
    static Server server;
    static SessionManager sessions;
    static SandboxDriver driver;
    static Workers slowPath;
    static org.eclipse.jetty.client.HttpClient agentClient;
    static URI invokeUri;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path code = Files.createDirectories(data.resolve("code"));
        Files.writeString(code.resolve("agent.py"), AGENT);
        var deployment = new Deployment(RUNTIME_ID, IDENTITY.runtimeArn(RUNTIME_ID), "untyped", "DEFAULT", "1", code,
                List.of("/usr/bin/python3", "agent.py"), Map.of(), Duration.ofMinutes(5), Duration.ofHours(1),
                Set.of(), ServerProtocol.HTTP, false, HearthTags.parse(Map.of()));
        Deployments deployments = new OneDeployment(RUNTIME_ID, deployment, true);
        driver = SandboxDrivers.open("process", data.resolve("sandboxes"));
        agentClient = new org.eclipse.jetty.client.HttpClient();
        agentClient.setUserAgentField(null);
        agentClient.start();
        var launcher = new SandboxLauncher(d -> driver, agentClient, SessionSettings.DEFAULT.readinessTimeout(),
                data.resolve("logs"), Map.of(), new SimpleMeterRegistry());
        sessions = new SessionManager(launcher, WarmSandboxes.NONE, SessionSettings.DEFAULT);
        slowPath = Workers.bounded("test-untyped-slow-path", 1, 0);
        server = new Server();
        var http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.DEFAULT.with("arn", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        var connector = new ServerConnector(server, new HttpConnectionFactory(http));
        server.addConnector(connector);
        server.setHandler(new AuthenticatedAs(IDENTITY.accountId(), new DataPlaneHandler(deployments, sessions,
                agentClient, IDENTITY, AgentTimeouts.DEFAULT, 10_000_000, slowPath)));
        server.start();
        invokeUri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/runtimes/"
                + URLEncoder.encode(IDENTITY.runtimeArn(RUNTIME_ID), StandardCharsets.UTF_8) + "/invocations");
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        slowPath.close(Duration.ofSeconds(5));
        sessions.close();
        driver.close();
        agentClient.stop();
    }

    @Test
    void octetStreamAndUntypedBodiesOfAWarmSessionNeedNoBlockingWorker() throws Exception {
        // The session's first call starts its sandbox: that is the path that may block, free for now.
        assertThat(post("{\"warm\":true}".getBytes(StandardCharsets.UTF_8), Optional.of("application/json")).statusCode())
                .isEqualTo(200);
        var release = new CountDownLatch(1);
        slowPath.execute(() -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            byte[] binary = new byte[3 << 20];
            new Random(7).nextBytes(binary);
            binary[0] = 0; // not JSON: the type passes as the caller sent it
            var octets = post(binary, Optional.of("application/octet-stream"));
            assertThat(octets.statusCode()).as(new String(octets.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            assertThat(octets.headers().firstValue("Content-Type")).contains("application/octet-stream");
            assertThat(octets.body()).isEqualTo(binary);

            byte[] json = " {\"prompt\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
            var untyped = post(json, Optional.empty());
            assertThat(untyped.statusCode()).isEqualTo(200);
            assertThat(untyped.headers().firstValue("Content-Type")).as("a body that starts like JSON is JSON")
                    .contains("application/json");
            assertThat(untyped.body()).isEqualTo(json);

            var jsonOctets = post(json, Optional.of("application/octet-stream"));
            assertThat(jsonOctets.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(jsonOctets.body()).isEqualTo(json);

            var empty = post(new byte[0], Optional.of("application/octet-stream"));
            assertThat(empty.statusCode()).isEqualTo(200);
            assertThat(empty.body()).isEmpty();
        } finally {
            release.countDown();
        }
    }

    private static HttpResponse<byte[]> post(byte[] body, Optional<String> contentType) throws Exception {
        var request = HttpRequest.newBuilder(invokeUri).header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", SESSION);
        contentType.ifPresent(type -> request.header("Content-Type", type));
        return CLIENT.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
