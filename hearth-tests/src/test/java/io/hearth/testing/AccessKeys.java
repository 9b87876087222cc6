package io.hearth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.api.Json;
import io.hearth.auth.AccessKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Access keys a test makes on a running server, as an operator would: through the admin API, with the root key. */
public final class AccessKeys {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AccessKeys() {}

    /** A new key of the server at {@code endpoint}: of the root tenant, or of {@code tenant}. */
    public static AccessKey create(URI endpoint, Optional<String> tenant) throws IOException, InterruptedException {
        String body = tenant.map(t -> "{\"tenant\":\"" + t + "\"}").orElse("{}");
        HttpResponse<String> response = HTTP.send(Signed.request("POST", endpoint.resolve("/hearth/v1/keys"), body).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode created = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        assertThat(created.path("tenant").asString()).isEqualTo(tenant.orElse(Signed.ROOT_KEY.tenant()));
        return new AccessKey(created.path("accessKeyId").asString(), created.path("secretAccessKey").asString(),
                created.path("tenant").asString(), true);
    }
}
