package io.hearth.bench.internal;

import io.hearth.control.ArtifactSettings;
import io.hearth.control.ControlPlane;
import io.hearth.image.RegistrySettings;
import io.hearth.server.AuthSettings;
import io.hearth.server.HearthServer;
import io.hearth.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * A Hearth server running inside the bench's JVM (so its heap can be read), driven only through its HTTP APIs,
 * as a user would: runtimes are created with {@code PUT /runtimes/}, sessions opened by invoking, every request signed
 * with the run's root key ({@link BenchAuth}).
 */
public final class HearthNode implements AutoCloseable {
    public static final String SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";
    private static final String BUCKET = "bench-artifacts";
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final AutoCloseable server;
    private final int port;
    private final String isolation;
    private final Path dataDir;
    private final HttpClient http;
    private final String base;

    private HearthNode(AutoCloseable server, int port, String isolation, Path dataDir, HttpClient http) {
        this.server = server;
        this.port = port;
        this.isolation = isolation;
        this.dataDir = dataDir;
        this.http = http;
        this.base = "http://" + Ports.hostPort(Ports.loopback(port));
    }

    /** Starts a server with {@code isolation} on a free loopback port, data under {@code dataDir}. */
    public static HearthNode start(String isolation, Path dataDir, HttpClient http) {
        return start(isolation, dataDir, http, Optional.empty());
    }

    /** The same, pulling images from {@code insecureRegistry} ({@code host:port}, plain HTTP on loopback) too. */
    public static HearthNode start(String isolation, Path dataDir, HttpClient http, Optional<String> insecureRegistry) {
        var config = ServerConfig.defaults(dataDir).withPort(0).withIsolation(isolation)
                .withQuotas(io.hearth.quota.QuotaSettings.UNLIMITED) // load beyond AgentCore's rates is the point
                .withAuth(AuthSettings.DEFAULT.withRootKey(BenchAuth.rootKey()));
        if (insecureRegistry.isPresent()) {
            config = config.withArtifacts(ArtifactSettings.DEFAULT
                    .withRegistries(RegistrySettings.defaults().withInsecure(insecureRegistry.get())));
        }
        HearthServer server = HearthServer.start(config);
        return new HearthNode(server, server.port(), server.isolation(), dataDir, http);
    }

    /**
     * A server running in another process on this machine, listening on loopback {@code port} with its data under
     * {@code dataDir} and the run's root key ({@link BenchAuth#environment()}); closing the node leaves that process
     * alone (its owner stops it).
     */
    public static HearthNode attach(int port, String isolation, Path dataDir, HttpClient http) {
        return new HearthNode(() -> {}, port, isolation, dataDir, http);
    }

    public InetSocketAddress address() {
        return Ports.loopback(port);
    }

    public String isolation() {
        return isolation;
    }

    /** A session id AgentCore accepts (33+ characters), unique to this run. */
    public static String newSessionId() {
        return "bench-" + UUID.randomUUID();
    }

    /**
     * Copies {@code code} into the artifact store and creates a runtime from it; returns once it is READY.
     *
     * @param runtime    an AgentCore runtime such as PYTHON_3_12 (a hearth.json in the code overrides its interpreter)
     * @param entryPoint AgentCore's entry point; still required with a manifest
     * @param tags       runtime tags, such as {@code hearth:isolation}
     */
    public DeployedRuntime deploy(String stem, Path code, String runtime, List<String> entryPoint, Map<String, String> tags) {
        String name = "bench_" + stem + "_" + NAMES.incrementAndGet();
        try {
            AgentArtifacts.copyTree(code, ControlPlane.artifactsOf(dataDir, "000000000000").resolve(BUCKET).resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + code + " as artifact " + name + ": " + e.getMessage(), e);
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("agentRuntimeName", name);
        body.put("agentRuntimeArtifact", Map.of("codeConfiguration", Map.of(
                "code", Map.of("s3", Map.of("bucket", BUCKET, "prefix", name)),
                "runtime", runtime,
                "entryPoint", entryPoint)));
        body.put("roleArn", "arn:aws:iam::000000000000:role/bench");
        body.put("networkConfiguration", Map.of("networkMode", "PUBLIC"));
        if (!tags.isEmpty()) {
            body.put("tags", tags);
        }
        JsonNode created = expect(call(HttpMethod.PUT, "/runtimes/", Json.compact(body)), 201, 202, 200);
        var deployed = new DeployedRuntime(created.path("agentRuntimeId").asString(), created.path("agentRuntimeArn").asString(), name);
        awaitReady(deployed);
        return deployed;
    }

    /** Creates a runtime from a container image; returns once it is READY, the image pulled. */
    public DeployedRuntime deployImage(String stem, String containerUri) {
        String name = "bench_" + stem + "_" + NAMES.incrementAndGet();
        var body = new LinkedHashMap<String, Object>();
        body.put("agentRuntimeName", name);
        body.put("agentRuntimeArtifact", Map.of("containerConfiguration", Map.of("containerUri", containerUri)));
        body.put("roleArn", "arn:aws:iam::000000000000:role/bench");
        body.put("networkConfiguration", Map.of("networkMode", "PUBLIC"));
        JsonNode created = expect(call(HttpMethod.PUT, "/runtimes/", Json.compact(body)), 201, 202, 200);
        var deployed = new DeployedRuntime(created.path("agentRuntimeId").asString(), created.path("agentRuntimeArn").asString(), name);
        awaitReady(deployed);
        return deployed;
    }

    private void awaitReady(DeployedRuntime runtime) {
        long deadline = System.nanoTime() + DEPLOY_TIMEOUT.toNanos();
        String status = "?";
        while (System.nanoTime() < deadline) {
            JsonNode state = expect(call(HttpMethod.GET, "/runtimes/" + runtime.id() + "/", null), 200);
            status = state.path("status").asString();
            if (status.equals("READY")) {
                return;
            }
            if (status.endsWith("FAILED")) {
                throw new IllegalStateException("runtime " + runtime.name() + ": " + status + " ("
                        + state.path("failureReason").asString("no reason given") + ")");
            }
            Readiness.sleepMillis(20);
        }
        throw new IllegalStateException("runtime " + runtime.name() + ": still " + status + " after "
                + DEPLOY_TIMEOUT.toSeconds() + " s (expected: READY)");
    }

    /** The InvokeAgentRuntime path: the ARN percent-encoded in one segment. */
    public static String invocationPath(DeployedRuntime runtime) {
        return "/runtimes/" + URLEncoder.encode(runtime.arn(), StandardCharsets.UTF_8) + "/invocations";
    }

    /** StopRuntimeSession; a session that already ended is not an error. */
    public void stopSession(DeployedRuntime runtime, String sessionId) {
        var path = "/runtimes/" + URLEncoder.encode(runtime.arn(), StandardCharsets.UTF_8) + "/stopruntimesession";
        Reply reply = send(HttpMethod.POST, path, "{}", Map.of(SESSION_HEADER, sessionId), Duration.ofSeconds(60));
        if (reply.status() != 200 && reply.status() != 404) {
            throw new IllegalStateException("StopRuntimeSession " + sessionId + ": HTTP " + reply.status() + " " + reply.body());
        }
    }

    /** DeleteAgentRuntime: ends every session of it. */
    public void delete(DeployedRuntime runtime) {
        delete(runtime, Duration.ofSeconds(60));
    }

    /** DeleteAgentRuntime, waiting up to {@code timeout}: Hearth answers once the sessions have ended. */
    public void delete(DeployedRuntime runtime, Duration timeout) {
        expect(send(HttpMethod.DELETE, "/runtimes/" + runtime.id() + "/", null, Map.of(), timeout), 200, 202, 204);
    }

    /** Sessions of a runtime from {@code /hearth/v1/sessions}; live ones only when {@code liveOnly}. */
    public List<JsonNode> sessions(DeployedRuntime runtime, boolean liveOnly) {
        String query = "?runtimeId=" + runtime.id() + (liveOnly ? "&state=live" : "");
        JsonNode all = expect(call(HttpMethod.GET, "/hearth/v1/sessions" + query, null), 200);
        var list = new ArrayList<JsonNode>();
        all.path("sessions").forEach(list::add);
        return list;
    }

    /** A call to Hearth's API, whatever its status. */
    public Reply call(HttpMethod method, String path, String json) {
        return send(method, path, json, Map.of(), Duration.ofSeconds(60));
    }

    /** A reply from Hearth's API. */
    public record Reply(int status, String body) {}

    private Reply send(HttpMethod method, String path, String json, Map<String, String> headers, Duration timeout) {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        var request = http.newRequest(base + path).method(method).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        headers.forEach((name, value) -> request.headers(h -> h.put(name, value)));
        BenchAuth.sign(method.asString(), URI.create(base + path), body)
                .forEach((name, value) -> request.headers(h -> h.put(name, value)));
        if (json != null) {
            request.body(new BytesRequestContent("application/json", body));
        }
        try {
            ContentResponse response = request.send();
            return new Reply(response.getStatus(), response.getContentAsString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + ": interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode expect(Reply reply, int... statuses) {
        for (int status : statuses) {
            if (reply.status() == status) {
                return reply.body().isBlank() ? Json.tree("{}") : Json.tree(reply.body());
            }
        }
        throw new IllegalStateException("Hearth answered HTTP " + reply.status() + ": " + reply.body()
                + " (expected: " + Arrays.toString(statuses) + ")");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Hearth on port " + port + ": " + e.getMessage(), e);
        }
    }
}
