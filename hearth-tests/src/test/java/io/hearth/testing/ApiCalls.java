package io.hearth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.Json;
import io.hearth.auth.AccessKey;
import io.hearth.server.HearthServer;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/** Calls of Hearth's own APIs as a given key signs them, for tests of who may do what. */
public final class ApiCalls {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ApiCalls() {}

    /** {@code method path} on {@code server}, signed with {@code key}; the answer whatever its status. */
    public static HttpResponse<String> send(HearthServer server, AccessKey key, String method, String path, String body)
            throws Exception {
        var request = Signed.request(key, method, server.endpoint().resolve(path), body.getBytes(StandardCharsets.UTF_8));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A 2xx answer's JSON body. */
    public static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
