package io.hearth.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.AwsIdentity;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.HearthTags;
import io.hearth.deployment.ServerProtocol;
import io.hearth.deployment.Deployments;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxDrivers;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.session.SessionManager;
import io.hearth.launcher.WarmSandboxes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.hearth.session.SessionSettings;
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
import java.util.Set;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane alone, against a real agent process: a one-runtime {@link Deployments} stands in for the
 * control plane, everything else is real (process driver, session manager, Jetty on both legs).
 */
class ProxyTest {
    static final String RUNTIME_ID = "echo-abcdefghij";
    static final AwsIdentity IDENTITY = AwsIdentity.DEFAULT;
    static final String AGENT = """
            import json, os, socket, sys
            from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
            count = 0
            class H(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def setup(self):
                    super().setup()
                    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                def log_message(self, *a): pass
                def reply(self, status, body, ctype="application/json"):
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def do_GET(self):
                    self.reply(200, b'{"status":"Healthy"}')
                def do_POST(self):
                    global count
                    count += 1
                    body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    self.reply(200, json.dumps({"count": count, "headers": headers, "body": body.decode()}).encode())
            ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
            """;

    @TempDir
    static Path data;
    static Server server;
    static SessionManager sessions;
    static SandboxDriver driver;
    static org.eclipse.jetty.client.HttpClient agentClient;
    static URI invokeUri;

    @BeforeAll
    static void start() throws Exception {
        Path code = Files.createDirectories(data.resolve("code"));
        Files.writeString(code.resolve("agent.py"), AGENT);
        var deployment = new Deployment(RUNTIME_ID, IDENTITY.runtimeArn(RUNTIME_ID), "echo", "DEFAULT", "1", code,
                List.of("/usr/bin/python3", "agent.py"), Map.of(), Duration.ofMinutes(5), Duration.ofHours(1),
                Set.of("X-Allowed"), ServerProtocol.HTTP, false, HearthTags.parse(Map.of()));
        Deployments deployments = new OneDeployment(RUNTIME_ID, deployment, false);
        driver = SandboxDrivers.open("process", data.resolve("sandboxes"));
        agentClient = new org.eclipse.jetty.client.HttpClient();
        agentClient.setUserAgentField(null);
        agentClient.start();
        var launcher = new SandboxLauncher(d -> driver, agentClient, SessionSettings.DEFAULT.readinessTimeout(),
                data.resolve("logs"), Map.of(), new SimpleMeterRegistry());
        sessions = new SessionManager(launcher, WarmSandboxes.NONE, SessionSettings.DEFAULT);
        var threads = new QueuedThreadPool();
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(threads);
        var http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.DEFAULT.with("arn", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        var connector = new ServerConnector(server, new HttpConnectionFactory(http));
        server.addConnector(connector);
        server.setHandler(new AuthenticatedAs(IDENTITY.accountId(),
                new DataPlaneHandler(deployments, sessions, agentClient, IDENTITY, AgentTimeouts.DEFAULT, 1_000)));
        server.start();
        invokeUri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/runtimes/"
                + URLEncoder.encode(IDENTITY.runtimeArn(RUNTIME_ID), StandardCharsets.UTF_8) + "/invocations");
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        sessions.close();
        driver.close();
        agentClient.stop();
    }

    @Test
    void forwardsOnlyTheContractHeadersAndRewritesTheJsClientsDefaultContentType() throws Exception {
        var response = post("{\"a\":1}", "application/octet-stream", Map.of(
                "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant", "t1",
                "X-Allowed", "yes",
                "X-Other", "no",
                "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "Authorization", "AWS4-HMAC-SHA256 Credential=x"));
        assertThat(response.statusCode()).isEqualTo(200);
        String body = response.body();
        assertThat(body).contains("\"content-type\": \"application/json\"")
                .contains("\"accept\": \"application/json, text/event-stream\"")
                .contains("x-amzn-bedrock-agentcore-runtime-custom-tenant")
                .contains("\"x-allowed\": \"yes\"")
                .contains("traceparent")
                .contains("x-amzn-bedrock-agentcore-runtime-request-id")
                .doesNotContain("x-other")
                .doesNotContain("authorization")
                .contains("\"body\": \"{\\\"a\\\":1}\"");
        assertThat(response.headers().firstValue("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id")).isPresent();
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithTheAwsShape() throws Exception {
        var response = post("x".repeat(1_001), "text/plain", Map.of());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("ValidationException");
        assertThat(response.body()).contains("payload");
    }

    private static HttpResponse<String> post(String body, String contentType, Map<String, String> headers) throws Exception {
        var request = HttpRequest.newBuilder(invokeUri)
                .header("Content-Type", contentType)
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", "proxy-test-session-00000000000000000001");
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
