package io.hearth.identity.internal;

import com.sun.net.httpserver.HttpExchange;
import io.hearth.api.Json;
import io.hearth.identity.RoleCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writing answers the way the metadata services AWS SDKs talk to write them: plain text, or JSON for credentials. */
final class Replies {
    /** What long-term keys are said to expire at: SDKs want an expiration, and come back for fresh ones after it. */
    static final java.time.Duration STATIC_KEYS_VALIDITY = java.time.Duration.ofHours(1);

    private Replies() {}

    static void text(HttpExchange exchange, int status, String body) throws IOException {
        send(exchange, status, "text/plain", body);
    }

    static void json(HttpExchange exchange, Object body) throws IOException {
        send(exchange, 200, "application/json", Json.writeString(body));
    }

    static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    /** The fields both the IMDS and the container credentials formats share. */
    static Map<String, Object> credentials(RoleCredentials credentials, Instant now) {
        var body = new LinkedHashMap<String, Object>();
        body.put("AccessKeyId", credentials.accessKeyId());
        body.put("SecretAccessKey", credentials.secretAccessKey());
        body.put("Token", credentials.sessionToken().orElse(""));
        body.put("Expiration", iso(credentials.expiration().orElse(now.plus(STATIC_KEYS_VALIDITY))));
        return body;
    }

    static String iso(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
