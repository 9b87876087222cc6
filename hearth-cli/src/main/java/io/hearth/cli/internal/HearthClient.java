package io.hearth.cli.internal;

import io.hearth.api.ApiException;
import io.hearth.api.Json;
import io.hearth.auth.SigV4Signer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import tools.jackson.databind.JsonNode;

/**
 * What the CLI says to a Hearth server: the same control-plane API the AWS SDKs use, plus Hearth's own.
 * The CLI holds no logic the server lacks.
 */
public final class HearthClient {
    private final URI endpoint;
    private final Optional<SigV4Signer> signer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param credentials the key every request is signed with; without one, requests go unsigned */
    public HearthClient(URI endpoint, Optional<Credentials> credentials) {
        this.endpoint = endpoint;
        this.signer = credentials.map(c -> new SigV4Signer(c.key(), c.region()));
    }

    /**
     * The server named by {@code HEARTH_ENDPOINT} (default {@code http://127.0.0.1:8080}), called with the
     * credentials {@link Credentials#find} finds for {@code dataDir}.
     */
    public static HearthClient fromEnvironment(Path dataDir) {
        String env = System.getenv("HEARTH_ENDPOINT");
        return new HearthClient(URI.create(env == null || env.isBlank() ? "http://127.0.0.1:8080" : env),
                Credentials.find(dataDir));
    }

    /** The server at {@code endpoint} when given, else as {@link #fromEnvironment(Path)} finds it. */
    public static HearthClient of(Optional<URI> endpoint, Path dataDir) {
        return endpoint.map(e -> new HearthClient(e, Credentials.find(dataDir))).orElseGet(() -> fromEnvironment(dataDir));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Every item of a paged control-plane list ({@code POST path?maxResults=100&nextToken=}), in order. */
    public List<JsonNode> listAll(String path, String field) {
        var items = new ArrayList<JsonNode>();
        String nextToken = null;
        do {
            String query = "?maxResults=100" + (nextToken == null ? "" : "&nextToken=" + URLEncoder.encode(nextToken, StandardCharsets.UTF_8));
            JsonNode page = send(HttpRequest.newBuilder(endpoint.resolve(path + query))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            page.path(field).forEach(items::add);
            nextToken = page.hasNonNull("nextToken") ? page.get("nextToken").asString() : null;
        } while (nextToken != null);
        return items;
    }

    public List<JsonNode> runtimes() {
        return listAll("/runtimes/", "agentRuntimes");
    }

    public List<JsonNode> runtimeVersions(String runtimeId) {
        return listAll("/runtimes/" + segment(runtimeId) + "/versions/", "agentRuntimes");
    }

    public List<JsonNode> runtimeEndpoints(String runtimeId) {
        return listAll("/runtimes/" + segment(runtimeId) + "/runtime-endpoints/", "runtimeEndpoints");
    }

    /** Hearth's sessions API: the caller's tenant's sessions (every tenant's for the server's account). */
    public JsonNode sessions(Optional<String> runtimeId, Optional<String> state) {
        var query = new StringBuilder();
        runtimeId.ifPresent(r -> query.append(query.isEmpty() ? "?" : "&").append("runtimeId=").append(segment(r)));
        state.ifPresent(st -> query.append(query.isEmpty() ? "?" : "&").append("state=").append(segment(st)));
        return send(HttpRequest.newBuilder(endpoint.resolve("/hearth/v1/sessions" + query)).GET().build());
    }

    /** Hearth's trace view: the session's recent invocation traces (docs/tracing.md). */
    public JsonNode traces(String runtimeId, String sessionId) {
        return send(HttpRequest.newBuilder(endpoint.resolve("/hearth/v1/sessions/" + segment(sessionId) + "/traces?runtimeId="
                + segment(runtimeId))).GET().build());
    }

    /** StopRuntimeSession on the runtime of {@code accountId}. */
    public JsonNode stopSession(String runtimeId, String accountId, String qualifier, String sessionId) {
        var body = Map.<String, Object>of("clientToken", java.util.UUID.randomUUID().toString());
        return send(HttpRequest.newBuilder(dataPlane(runtimeId, "stopruntimesession", accountId, qualifier))
                .header("Content-Type", "application/json")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", sessionId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build());
    }

    /** InvokeAgentRuntime; the answer's body streams as the agent writes it. */
    public HttpResponse<java.io.InputStream> invoke(String runtimeId, String accountId, String qualifier, String sessionId,
            byte[] payload, String contentType) {
        return stream(HttpRequest.newBuilder(dataPlane(runtimeId, "invocations", accountId, qualifier))
                .header("Content-Type", contentType)
                .header("Accept", "text/event-stream, application/json, */*")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", sessionId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), payload);
    }

    /** A session's agent log, as it is written when {@code follow}. */
    public HttpResponse<java.io.InputStream> logs(String runtimeId, String sessionId, boolean follow, java.util.OptionalLong tail) {
        String query = "?runtimeId=" + segment(runtimeId) + (follow ? "&follow=true" : "")
                + (tail.isPresent() ? "&tail=" + tail.getAsLong() : "");
        return stream(HttpRequest.newBuilder(endpoint.resolve("/hearth/v1/sessions/" + segment(sessionId) + "/logs" + query))
                .GET().build(), new byte[0]);
    }

    private URI dataPlane(String runtimeId, String operation, String accountId, String qualifier) {
        return endpoint.resolve("/runtimes/" + segment(runtimeId) + "/" + operation + "?accountId=" + segment(accountId)
                + "&qualifier=" + segment(qualifier));
    }

    /** Percent-encodes one path segment or query value, spaces as %20 (SigV4 signs them so). */
    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Signs and sends a request whose answer is read as it arrives; a refusal is read whole and thrown. */
    private HttpResponse<java.io.InputStream> stream(HttpRequest request, byte[] body) {
        var copy = HttpRequest.newBuilder(request, (name, value) -> true)
                .method(request.method(), body.length == 0 && request.method().equals("GET")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        signer.ifPresent(s -> {
            var signedHeaders = new java.util.TreeMap<String, String>();
            request.headers().firstValue("Content-Type").ifPresent(v -> signedHeaders.put("Content-Type", v));
            s.sign(request.method(), request.uri(), signedHeaders, SigV4Signer.sha256Hex(body)).forEach(copy::header);
        });
        HttpResponse<java.io.InputStream> response;
        try {
            response = http.send(copy.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new HearthClientException("cannot reach Hearth at " + endpoint + ": " + why(e)
                    + " (expected: a running Hearth there; start one with ./hearth server, or set HEARTH_ENDPOINT)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HearthClientException("interrupted");
        }
        if (response.statusCode() / 100 == 2) {
            return response;
        }
        byte[] refusal;
        try (var in = response.body()) {
            refusal = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            refusal = new byte[0];
        }
        JsonNode error;
        try {
            error = refusal.length == 0 ? Json.mapper().createObjectNode() : Json.tree(refusal);
        } catch (ApiException e) {
            error = Json.mapper().createObjectNode().put("message", new String(refusal, StandardCharsets.UTF_8).strip());
        }
        String type = error.path("__type").asString(response.headers().firstValue("x-amzn-ErrorType").orElse(""));
        throw new HearthClientException(request.method() + " " + request.uri().getPath() + " answered "
                + response.statusCode() + " " + type + ": " + error.path("message").asString(error.toString()),
                response.statusCode());
    }

    /**
     * {@code PUT /hearth/v1/artifacts/<bucket>/<key>} with {@code zip} as the body, streamed from the file; signed
     * with {@code sha256}, the zip's hash, so the server checks every byte against it. {@code sent} hears how many
     * bytes have gone, on the calling thread, every 100 ms and once at the end.
     */
    public JsonNode uploadArtifact(String bucket, String key, Path zip, String sha256, LongConsumer sent) {
        var counted = new AtomicLong();
        HttpRequest request;
        try {
            request = signed(HttpRequest.newBuilder(endpoint.resolve("/hearth/v1/artifacts/" + bucket + "/" + key))
                    .header("Content-Type", "application/zip"), "PUT", Map.of("Content-Type", "application/zip"), sha256)
                    .PUT(new CountingBody(HttpRequest.BodyPublishers.ofFile(zip), counted)).build();
        } catch (java.io.FileNotFoundException e) {
            throw new UncheckedIOException("cannot read " + zip, e);
        }
        // Sent asynchronously so that this thread can report the bytes sent while the body streams.
        var answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        while (true) {
            try {
                var response = answer.get(100, TimeUnit.MILLISECONDS);
                sent.accept(counted.get());
                return answered(request, response);
            } catch (TimeoutException e) {
                sent.accept(counted.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    if (io instanceof java.net.ConnectException || io instanceof java.net.http.HttpConnectTimeoutException) {
                        throw new HearthClientException("cannot reach Hearth at " + endpoint + ": " + why(io)
                                + " (expected: a running Hearth there; start one with ./hearth server, or set HEARTH_ENDPOINT)");
                    }
                    throw new HearthClientException("PUT " + request.uri().getPath() + " broke off after " + counted.get()
                            + " bytes: " + why(io) + " (expected: the server to take the whole zip; see its log)");
                }
                throw new HearthClientException("PUT " + request.uri().getPath() + " failed: " + e.getCause()
                        + " (expected: an answer from Hearth at " + endpoint + ")");
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw new HearthClientException("interrupted");
            }
        }
    }

    /** A body that counts the bytes the client takes from it; a retry starts the count again. */
    private record CountingBody(HttpRequest.BodyPublisher body, AtomicLong counted) implements HttpRequest.BodyPublisher {
        @Override
        public long contentLength() {
            return body.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            counted.set(0);
            body.subscribe(new Flow.Subscriber<ByteBuffer>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    counted.addAndGet(item.remaining());
                    subscriber.onNext(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }
    }

    public Optional<JsonNode> findRuntimeByName(String name) {
        String nextToken = null;
        do {
            String query = "?maxResults=100" + (nextToken == null ? "" : "&nextToken=" + URLEncoder.encode(nextToken, StandardCharsets.UTF_8));
            JsonNode page = send(HttpRequest.newBuilder(endpoint.resolve("/runtimes/" + query))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            for (JsonNode runtime : page.path("agentRuntimes")) {
                if (name.equals(runtime.path("agentRuntimeName").asString(""))) {
                    return Optional.of(runtime);
                }
            }
            nextToken = page.hasNonNull("nextToken") ? page.get("nextToken").asString() : null;
        } while (nextToken != null);
        return Optional.empty();
    }

    public JsonNode createRuntime(Map<String, Object> body) {
        return send(HttpRequest.newBuilder(endpoint.resolve("/runtimes/"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build());
    }

    public JsonNode updateRuntime(String runtimeId, Map<String, Object> body) {
        return send(HttpRequest.newBuilder(endpoint.resolve("/runtimes/" + runtimeId + "/"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build());
    }

    public JsonNode getRuntime(String runtimeId) {
        return send(HttpRequest.newBuilder(endpoint.resolve("/runtimes/" + runtimeId + "/")).GET().build());
    }

    public JsonNode pools() {
        return send(HttpRequest.newBuilder(endpoint.resolve("/hearth/v1/pools")).GET().build());
    }

    public JsonNode setPool(String runtimeId, String endpointName, Map<String, Object> config) {
        return send(HttpRequest.newBuilder(poolUri(runtimeId, endpointName, ""))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.write(config))).build());
    }

    public JsonNode removePool(String runtimeId, String endpointName) {
        return send(HttpRequest.newBuilder(poolUri(runtimeId, endpointName, "")).DELETE().build());
    }

    public JsonNode warmPool(String runtimeId, String endpointName, int count, long seconds) {
        return send(HttpRequest.newBuilder(poolUri(runtimeId, endpointName, "/warm"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(Map.of("count", count, "forSeconds", seconds))))
                .build());
    }

    private URI poolUri(String runtimeId, String endpointName, String suffix) {
        return endpoint.resolve("/hearth/v1/pools/" + URLEncoder.encode(runtimeId, StandardCharsets.UTF_8) + "/"
                + URLEncoder.encode(endpointName, StandardCharsets.UTF_8) + suffix);
    }

    public JsonNode quotas() {
        return send(HttpRequest.newBuilder(endpoint.resolve("/hearth/v1/quotas")).GET().build());
    }

    public JsonNode tenantQuotas(String tenant) {
        return send(HttpRequest.newBuilder(tenantQuotasUri(tenant)).GET().build());
    }

    /** Sets each limit given; a {@code null} value removes that one. */
    public JsonNode setTenantQuotas(String tenant, Map<String, Object> limits) {
        return send(json("PUT", tenantQuotasUri(tenant).getRawPath(), limits));
    }

    public JsonNode removeTenantQuotas(String tenant) {
        return send(HttpRequest.newBuilder(tenantQuotasUri(tenant)).DELETE().build());
    }

    /** Per-principal session budgets: {@code GET} the list with no principal, else {@code GET}, {@code PUT} or {@code DELETE} one. */
    public JsonNode principalBudgets(String method, Optional<String> principal, Map<String, Object> body) {
        // A JWT principal holds a space and slashes: each must stay inside the one path segment.
        String path = "/hearth/v1/budgets/principals"
                + principal.map(p -> "/" + URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20")).orElse("");
        return method.equals("PUT") ? send(json(method, path, body))
                : send(HttpRequest.newBuilder(endpoint.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private URI tenantQuotasUri(String tenant) {
        return endpoint.resolve("/hearth/v1/tenants/" + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + "/quotas");
    }

    /** A new key of {@code tenant}, or of the server's account. */
    public JsonNode createKey(String description, Optional<String> tenant) {
        var body = new LinkedHashMap<String, Object>();
        body.put("description", description);
        tenant.ifPresent(t -> body.put("tenant", t));
        return send(json("POST", "/hearth/v1/keys", body));
    }

    public JsonNode keys() {
        return send(HttpRequest.newBuilder(endpoint.resolve("/hearth/v1/keys")).GET().build());
    }

    public JsonNode setKeyEnabled(String id, boolean enabled) {
        return send(HttpRequest.newBuilder(keyUri(id, enabled ? "/enable" : "/disable"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    public JsonNode deleteKey(String id) {
        return send(HttpRequest.newBuilder(keyUri(id, "")).DELETE().build());
    }

    private URI keyUri(String id, String suffix) {
        return endpoint.resolve("/hearth/v1/keys/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + suffix);
    }

    private HttpRequest json(String method, String path, Map<String, Object> body) {
        return HttpRequest.newBuilder(endpoint.resolve(path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build();
    }

    /** Adds the SigV4 headers for a body with this hash; a copy without a signer stays as it was. */
    private HttpRequest.Builder signed(HttpRequest.Builder request, String method, Map<String, String> signedHeaders,
            String payloadSha256) {
        signer.ifPresent(s -> s.sign(method, request.copy().build().uri(), signedHeaders, payloadSha256)
                .forEach(request::header));
        return request;
    }

    /** Signs a request whose body is in memory (or absent), then sends it. */
    private JsonNode send(HttpRequest request) {
        if (signer.isEmpty() || request.headers().firstValue("Authorization").isPresent()) {
            return exchange(request);
        }
        byte[] body = request.bodyPublisher().map(HearthClient::bytesOf).orElse(new byte[0]);
        var copy = HttpRequest.newBuilder(request, (name, value) -> true)
                .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        var signedHeaders = new java.util.TreeMap<String, String>();
        request.headers().firstValue("Content-Type").ifPresent(v -> signedHeaders.put("Content-Type", v));
        signer.get().sign(request.method(), request.uri(), signedHeaders, SigV4Signer.sha256Hex(body)).forEach(copy::header);
        return exchange(copy.build());
    }

    private static byte[] bytesOf(HttpRequest.BodyPublisher publisher) {
        var collected = new java.io.ByteArrayOutputStream();
        var done = new java.util.concurrent.CompletableFuture<Void>();
        publisher.subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(java.nio.ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                collected.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.join();
        return collected.toByteArray();
    }

    private JsonNode exchange(HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new HearthClientException("cannot reach Hearth at " + endpoint + ": " + why(e)
                    + " (expected: a running Hearth there; start one with ./hearth server, or set HEARTH_ENDPOINT)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HearthClientException("interrupted");
        }
        return answered(request, response);
    }

    /** The answer's JSON; a refusal thrown with its status, {@code __type} and message. */
    private JsonNode answered(HttpRequest request, HttpResponse<byte[]> response) {
        JsonNode body;
        try {
            body = response.body().length == 0 ? Json.mapper().createObjectNode() : Json.tree(response.body());
        } catch (ApiException e) {
            throw new HearthClientException(request.method() + " " + request.uri() + " answered " + response.statusCode()
                    + " with a body that is not JSON (expected: a Hearth server at " + endpoint + "; check HEARTH_ENDPOINT)");
        }
        if (response.statusCode() / 100 != 2) {
            throw new HearthClientException(request.method() + " " + request.uri().getPath() + " answered "
                    + response.statusCode() + " " + body.path("__type").asString("") + ": " + body.path("message").asString(body.toString()),
                    response.statusCode());
        }
        return body;
    }

    private static String why(IOException e) {
        return switch (e) {
            case java.net.http.HttpConnectTimeoutException t -> "no answer within 5 s";
            case java.net.ConnectException c -> "connection refused";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }

    /** The server refused or could not be reached; the message is fit for the terminal. */
    public static final class HearthClientException extends RuntimeException {
        private final int status;

        public HearthClientException(String message) {
            this(message, 0);
        }

        /** @param status the HTTP status the server answered with; 0 when it did not answer */
        public HearthClientException(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
