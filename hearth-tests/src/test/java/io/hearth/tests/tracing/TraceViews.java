package io.hearth.tests.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.Json;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Signed;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Reads Hearth's trace view of a session, as a signed caller of the root account. */
final class TraceViews {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TraceViews() {}

    static JsonNode of(HearthExtension hearth, String runtimeId, String sessionId) {
        URI uri = hearth.endpoint().resolve("/hearth/v1/sessions/" + sessionId + "/traces?runtimeId=" + runtimeId);
        try {
            HttpResponse<byte[]> response = HTTP.send(Signed.get(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
            return Json.tree(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> traces(JsonNode view) {
        var traces = new ArrayList<JsonNode>();
        view.path("traces").forEach(traces::add);
        return traces;
    }

    static Optional<JsonNode> span(JsonNode trace, String name) {
        for (JsonNode span : trace.path("spans")) {
            if (span.path("name").asString().equals(name)) {
                return Optional.of(span);
            }
        }
        return Optional.empty();
    }

    static List<String> names(JsonNode trace) {
        var names = new ArrayList<String>();
        trace.path("spans").forEach(s -> names.add(s.path("name").asString()));
        return names;
    }
}
