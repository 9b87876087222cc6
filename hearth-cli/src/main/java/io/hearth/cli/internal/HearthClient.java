package io.hearth.cli.internal;

import io.hearth.api.ApiException;
import io.hearth.api.Json;
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
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What the CLI says to a Hearth server: the same control-plane API the AWS SDKs use, plus Hearth's own.
 * The CLI holds no logic the server lacks.
 */
public final class HearthClient {
    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HearthClient(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** The server named by {@code HEARTH_ENDPOINT}, default {@code http://127.0.0.1:8080}. */
    public static HearthClient fromEnvironment() {
        String env = System.getenv("HEARTH_ENDPOINT");
        return new HearthClient(URI.create(env == null || env.isBlank() ? "http://127.0.0.1:8080" : env));
    }

    public URI endpoint() {
        return endpoint;
    }

    public void uploadArtifact(String bucket, String key, Path zip) {
        var request = HttpRequest.newBuilder(endpoint.resolve("/hearth/v1/artifacts/" + bucket + "/" + key))
                .header("Content-Type", "application/zip");
        try {
            send(request.PUT(HttpRequest.BodyPublishers.ofFile(zip)).build());
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

    private JsonNode send(HttpRequest request) {
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
