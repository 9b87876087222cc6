package io.hearth.tests.tracing;

import com.sun.net.httpserver.HttpServer;
import io.hearth.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * A minimal OTLP/HTTP collector on loopback: keeps every ExportTraceServiceRequest posted to /v1/traces, decoding
 * protobuf with the opentelemetry-proto classes and JSON as OTLP's JSON mapping writes it; both become the same JSON
 * shape (ids as hex) for the tests to read.
 */
final class OtlpReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            var receiver = new OtlpReceiver(server);
            server.createContext("/v1/traces", exchange -> {
                try (exchange) {
                    if (!exchange.getRequestMethod().equals("POST")) {
                        exchange.sendResponseHeaders(405, -1);
                        return;
                    }
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    receiver.contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
                    String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
                    receiver.requests.add(type.startsWith("application/x-protobuf") ? fromProtobuf(body) : Json.tree(body));
                    byte[] answer = "{}".getBytes();
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer);
                }
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the OTLP receiver", e);
        }
    }

    /** The protobuf request in the JSON mapping's shape: trace and span ids as hex, times as decimal strings. */
    private static JsonNode fromProtobuf(byte[] body) throws IOException {
        var request = io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.parseFrom(body);
        var resources = new java.util.ArrayList<Object>();
        for (var resourceSpans : request.getResourceSpansList()) {
            var scopes = new java.util.ArrayList<Object>();
            for (var scopeSpans : resourceSpans.getScopeSpansList()) {
                var spans = new java.util.ArrayList<Object>();
                for (var span : scopeSpans.getSpansList()) {
                    var json = new java.util.LinkedHashMap<String, Object>();
                    json.put("traceId", HexFormat.of().formatHex(span.getTraceId().toByteArray()));
                    json.put("spanId", HexFormat.of().formatHex(span.getSpanId().toByteArray()));
                    if (!span.getParentSpanId().isEmpty()) {
                        json.put("parentSpanId", HexFormat.of().formatHex(span.getParentSpanId().toByteArray()));
                    }
                    json.put("name", span.getName());
                    json.put("kind", span.getKindValue());
                    json.put("startTimeUnixNano", Long.toUnsignedString(span.getStartTimeUnixNano()));
                    json.put("endTimeUnixNano", Long.toUnsignedString(span.getEndTimeUnixNano()));
                    json.put("attributes", attributes(span.getAttributesList()));
                    json.put("status", Map.of("code", span.getStatus().getCodeValue(), "message", span.getStatus().getMessage()));
                    spans.add(json);
                }
                scopes.add(Map.of("scope", Map.of("name", scopeSpans.getScope().getName()), "spans", spans));
            }
            resources.add(Map.of("resource", Map.of("attributes", attributes(resourceSpans.getResource().getAttributesList())),
                    "scopeSpans", scopes));
        }
        return Json.tree(Json.write(Map.of("resourceSpans", resources)));
    }

    private static List<Object> attributes(List<io.opentelemetry.proto.common.v1.KeyValue> attributes) {
        return attributes.stream().<Object>map(a -> Map.of("key", a.getKey(), "value",
                Map.of("stringValue", a.getValue().getStringValue()))).toList();
    }

    /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT names a collector. */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<JsonNode> requests() {
        return requests;
    }

    List<String> contentTypes() {
        return contentTypes;
    }

    /** Every span received, across requests, resources and scopes. */
    List<JsonNode> spans() {
        var spans = new java.util.ArrayList<JsonNode>();
        for (JsonNode request : requests) {
            for (JsonNode resource : request.path("resourceSpans")) {
                for (JsonNode scope : resource.path("scopeSpans")) {
                    scope.path("spans").forEach(spans::add);
                }
            }
        }
        return spans;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
