package io.hearth.identity.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The container credentials endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} with
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}), for sandboxes on the host's network: the path and the token are the
 * sandbox's own secrets, since every local process can reach the listener.
 */
public final class ContainerCredentialsHandler implements HttpHandler {
    private final Registrations registrations;
    private final RoleCredentialCache credentials;
    private final Clock clock;

    public ContainerCredentialsHandler(Registrations registrations, RoleCredentialCache credentials, Clock clock) {
        this.registrations = registrations;
        this.credentials = credentials;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (!exchange.getRequestMethod().equals("GET")) {
                Replies.text(exchange, 405, "method " + exchange.getRequestMethod() + " (expected: GET)");
                return;
            }
            String token = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).orElse("");
            var entry = registrations.byGrant(exchange.getRequestURI().getPath(), token);
            if (entry.isEmpty()) {
                Replies.text(exchange, 403, "unknown credentials path or wrong Authorization token "
                        + "(expected: AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN of this sandbox)");
                return;
            }
            Instant now = clock.instant();
            String role = entry.get().roleArn();
            try {
                var body = new LinkedHashMap<String, Object>();
                body.put("RoleArn", role);
                body.putAll(Replies.credentials(credentials.credentials(role), now));
                Replies.json(exchange, body);
            } catch (CredentialsUnavailableException e) {
                Replies.text(exchange, 404, e.getMessage());
            }
        }
    }
}
