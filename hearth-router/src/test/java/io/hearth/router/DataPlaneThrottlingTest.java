package io.hearth.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.ApiException;
import io.hearth.api.AwsIdentity;
import io.hearth.api.Workers;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.DeploymentListener;
import io.hearth.deployment.Deployments;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane's path that may block runs on a bounded executor: once it is full, a request is refused at once
 * as a 429 ThrottlingException in the AWS shape, instead of one more thread.
 */
class DataPlaneThrottlingTest {
    static final AwsIdentity IDENTITY = AwsIdentity.DEFAULT;

    @TempDir
    Path data;

    @Test
    void aFullSlowPathThrottlesTheNextRequest() throws Exception {
        var resolving = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Deployments stalled = new Deployments() {
            @Override
            public Deployment resolve(String runtimeId, String qualifier) {
                resolving.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw ApiException.notFound("no runtime " + runtimeId);
            }

            @Override
            public List<Deployment> serving() {
                return List.of();
            }

            @Override
            public void addListener(DeploymentListener listener) {}
        };
        SandboxDriver driver = SandboxDrivers.open("process", data.resolve("sandboxes"));
        var agentClient = new org.eclipse.jetty.client.HttpClient();
        agentClient.start();
        var launcher = new SandboxLauncher(d -> driver, agentClient, SessionSettings.DEFAULT.readinessTimeout(),
                data.resolve("logs"), Map.of(), new SimpleMeterRegistry());
        var sessions = new SessionManager(launcher, WarmSandboxes.NONE, SessionSettings.DEFAULT);
        var slowPath = Workers.bounded("test-data-plane", 1, 0);
        var server = new Server();
        var http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.DEFAULT.with("arn", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        var connector = new ServerConnector(server, new HttpConnectionFactory(http));
        server.addConnector(connector);
        server.setHandler(new AuthenticatedAs(IDENTITY.accountId(),
                new DataPlaneHandler(stalled, sessions, agentClient, IDENTITY, AgentTimeouts.DEFAULT, 1_000, slowPath)));
        try {
            server.start();
            URI invoke = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/runtimes/"
                    + URLEncoder.encode(IDENTITY.runtimeArn("stalled-abcdefghij"), StandardCharsets.UTF_8) + "/invocations");
            var client = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> first = client.sendAsync(post(invoke), HttpResponse.BodyHandlers.ofString());
            assertThat(resolving.await(10, TimeUnit.SECONDS)).as("the first request holds the only worker").isTrue();

            HttpResponse<String> second = client.send(post(invoke), HttpResponse.BodyHandlers.ofString());
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.headers().firstValue("x-amzn-ErrorType")).contains("ThrottlingException");
            assertThat(second.body()).contains("\"__type\":\"ThrottlingException\"").contains("test-data-plane");

            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).as("the first one still gets its answer").isEqualTo(404);
        } finally {
            release.countDown();
            server.stop();
            slowPath.close(Duration.ofSeconds(5));
            sessions.close();
            driver.close();
            agentClient.stop();
        }
    }

    private static HttpRequest post(URI uri) {
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", "throttling-test-session-000000000000001")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
    }
}
