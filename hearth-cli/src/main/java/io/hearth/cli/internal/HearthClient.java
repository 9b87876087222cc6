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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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

    public URI endpoint() {
        return endpoint;
    }

    public void uploadArtifact(String bucket, String key, Path zip) {
        var request = HttpRequest.newBuilder(endpoint.resolve("/hearth/v1/artifacts/" + bucket + "/" + key))
                .header("Content-Type", "application/zip");
        try {
            send(signed(request, "PUT", Map.of("Content-Type", "application/zip"), sha256(zip))
                    .PUT(HttpRequest.BodyPublishers.ofFile(zip)).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + zip, e);
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

    private static String sha256(Path file) throws IOException {
        try (var in = new java.security.DigestInputStream(java.nio.file.Files.newInputStream(file),
                java.security.MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return java.util.HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256: unavailable (expected: every JDK has it)", e);
        }
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
        JsonNode body;
        try {
            body = response.body().length == 0 ? Json.mapper().createObjectNode() : Json.tree(response.body());
        } catch (ApiException e) {
            throw new HearthClientException(request.method() + " " + request.uri() + " answered " + response.statusCode()
                    + " with a body that is not JSON (expected: a Hearth server at " + endpoint + "; check HEARTH_ENDPOINT)");
        }
        if (response.statusCode() / 100 != 2) {
            throw new HearthClientException(request.method() + " " + request.uri().getPath() + " answered "
                    + response.statusCode() + " " + body.path("__type").asString("") + ": " + body.path("message").asString(body.toString()));
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
        public HearthClientException(String message) {
            super(message);
        }
    }
}
