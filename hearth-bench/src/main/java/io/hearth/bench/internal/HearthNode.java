package io.hearth.bench.internal;

import io.hearth.control.ControlPlane;
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
 * A Hearth server in a process of its own ({@link HearthProcess}: started as {@code ./hearth server} starts it),
 * driven only through its HTTP APIs, as a user would: runtimes are created with {@code PUT /runtimes/}, sessions
 * opened by invoking, every request signed with the run's root key ({@link BenchAuth}). Its heap is read from that
 * process ({@link #heapAfterFullGcBytes()}), never from the bench's own.
 */
public final class HearthNode implements AutoCloseable {
    public static final String SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";
    private static final String BUCKET = "bench-artifacts";
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final HearthProcess process;
    private final boolean owned;
    private final ProcessProbe probe;
    private final Path dataDir;
    private final HttpClient http;
    private final String base;

    private HearthNode(HearthProcess process, boolean owned, Path dataDir, HttpClient http) {
        this.process = process;
        this.owned = owned;
        this.probe = new ProcessProbe(process.pid());
        this.dataDir = dataDir;
        this.http = http;
        this.base = "http://" + Ports.hostPort(Ports.loopback(process.port()));
    }

    /** Starts a server with {@code isolation} on a free loopback port, data under {@code dataDir}. */
    public static HearthNode start(String isolation, Path dataDir, HttpClient http) {
        return start(isolation, dataDir, http, Optional.empty());
    }

    /** The same, pulling images from {@code insecureRegistry} ({@code host:port}, plain HTTP on loopback) too. */
    public static HearthNode start(String isolation, Path dataDir, HttpClient http, Optional<String> insecureRegistry) {
        List<String> extra = insecureRegistry.map(r -> List.of("--registry-insecure", r)).orElse(List.of());
        Path logs = dataDir.resolveSibling(dataDir.getFileName() + "-process");
        return new HearthNode(HearthProcess.start(dataDir, isolation, logs, List.of(), extra), true, dataDir, http);
    }

    /**
     * A node over a server its caller started and stops (the soak, which stops it itself to check how it ends);
     * closing the node leaves that process alone.
     */
    public static HearthNode attach(HearthProcess process, Path dataDir, HttpClient http) {
        return new HearthNode(process, false, dataDir, http);
    }

    public InetSocketAddress address() {
        return Ports.loopback(process.port());
    }

    public String isolation() {
        return process.isolation();
    }

    /** The server's process id. */
    public long pid() {
        return process.pid();
    }

    /** The server's soft limit on open files, as it runs (raised as far as the host allows); -1 when unreadable. */
    public long openFileLimit() {
        return process.openFileLimit();
    }

    /** How the server was started, for reports: the launcher's JVM flags and the CLI's {@code server} command. */
    public String commandLine() {
        return process.commandLine();
    }

    /**
     * The heap the server retains now: its JVM is made to run a full collection, then asked what is still in use.
     * Each call stops the server's world for that collection: keep it off throughput runs.
     */
    public long heapAfterFullGcBytes() {
        return probe.heapAfterFullGcBytes();
    }

    /** Milliseconds the server's JIT compilers have worked so far: the warm-up goes on while this still grows. */
    public long compilationMillis() {
        return probe.compilationMillis();
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

    /**
     * The isolation driver a new session of {@code runtime} ran under, its session stopped again; "?" when none
     * could be opened (a server that refuses the runtime's isolation tag, say).
     */
    public String isolationOfNewSession(DeployedRuntime runtime) {
        String session = newSessionId();
        try {
            Readiness.hearthFirstByte(address(), invocationPath(runtime), SESSION_HEADER, session);
            String isolation = sessions(runtime, true).stream()
                    .filter(s -> s.path("sessionId").asString().equals(session))
                    .map(s -> s.path("isolation").asString("?")).findFirst().orElse("?");
            stopSession(runtime, session);
            return isolation;
        } catch (IOException | RuntimeException e) {
            return "?";
        }
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
        probe.close();
        if (owned) {
            process.close();
        }
    }
}
