package io.hearth.identity.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part of the EC2 instance metadata service AWS SDKs use: IMDSv2 session tokens, the role's credentials, the
 * region. The caller is the registered sandbox its source address belongs to; anyone else gets 403.
 */
public final class ImdsHandler implements HttpHandler {
    static final String TOKEN = "X-aws-ec2-metadata-token";
    static final String TOKEN_TTL = "X-aws-ec2-metadata-token-ttl-seconds";
    static final String CREDENTIALS = "/latest/meta-data/iam/security-credentials/";
    private static final int MAX_TTL = 21_600;

    private final Registrations registrations;
    private final RoleCredentialCache credentials;
    private final String region;
    private final Clock clock;

    public ImdsHandler(Registrations registrations, RoleCredentialCache credentials, String region, Clock clock) {
        this.registrations = registrations;
        this.credentials = credentials;
        this.region = region;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            var entry = registrations.bySource(exchange.getRemoteAddress().getAddress());
            if (entry.isEmpty()) {
                Replies.text(exchange, 403, "no sandbox of this server has address "
                        + exchange.getRemoteAddress().getAddress().getHostAddress());
                return;
            }
            // Like EC2's: a request that passed through a proxy is refused, so a confused deputy cannot fetch tokens.
            if (exchange.getRequestHeaders().containsKey("X-Forwarded-For")) {
                Replies.text(exchange, 403, "requests with X-Forwarded-For are refused");
                return;
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Instant now = clock.instant();
            if (path.equals("/latest/api/token")) {
                if (!method.equals("PUT")) {
                    Replies.text(exchange, 405, "method " + method + " (expected: PUT)");
                    return;
                }
                issueToken(exchange, entry.get(), now);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                Replies.text(exchange, 405, "method " + method + " (expected: GET)");
                return;
            }
            String token = exchange.getRequestHeaders().getFirst(TOKEN);
            if (token != null ? !registrations.validToken(token, entry.get().sandboxId(), now) : entry.get().identity().requireImdsV2()) {
                Replies.text(exchange, 401, token != null
                        ? "the session token is unknown or expired (expected: a token from PUT /latest/api/token)"
                        : "this runtime requires IMDSv2 (metadataConfiguration.requireMMDSV2): send " + TOKEN
                                + " with a token from PUT /latest/api/token");
                return;
            }
            serve(exchange, entry.get(), path, now);
        }
    }

    private void issueToken(HttpExchange exchange, Registrations.Entry entry, Instant now) throws IOException {
        String ttlHeader = exchange.getRequestHeaders().getFirst(TOKEN_TTL);
        int ttl;
        try {
            ttl = Integer.parseInt(ttlHeader == null ? "" : ttlHeader.trim());
        } catch (NumberFormatException e) {
            ttl = 0;
        }
        if (ttl < 1 || ttl > MAX_TTL) {
            Replies.text(exchange, 400, TOKEN_TTL + ": " + ttlHeader + " (expected: 1 to " + MAX_TTL + ")");
            return;
        }
        String token = registrations.issueToken(entry.sandboxId(), now.plus(Duration.ofSeconds(ttl)), now);
        exchange.getResponseHeaders().set(TOKEN_TTL, Integer.toString(ttl));
        Replies.text(exchange, 200, token);
    }

    private void serve(HttpExchange exchange, Registrations.Entry entry, String path, Instant now) throws IOException {
        String role = entry.roleArn();
        String roleName = role.substring(role.lastIndexOf('/') + 1);
        if (path.equals(CREDENTIALS) || path.equals(CREDENTIALS.substring(0, CREDENTIALS.length() - 1))) {
            Replies.text(exchange, 200, roleName);
        } else if (path.startsWith(CREDENTIALS)) {
            if (!path.substring(CREDENTIALS.length()).equals(roleName)) {
                Replies.text(exchange, 404, "role " + path.substring(CREDENTIALS.length()) + " (expected: " + roleName + ")");
                return;
            }
            try {
                var body = new LinkedHashMap<String, Object>();
                body.put("Code", "Success");
                body.put("LastUpdated", Replies.iso(now));
                body.put("Type", "AWS-HMAC");
                body.putAll(Replies.credentials(credentials.credentials(role), now));
                Replies.json(exchange, body);
            } catch (CredentialsUnavailableException e) {
                Replies.text(exchange, 404, e.getMessage());
            }
        } else if (path.equals("/latest/meta-data/placement/region")) {
            Replies.text(exchange, 200, region);
        } else if (path.equals("/latest/meta-data/placement/availability-zone")) {
            Replies.text(exchange, 200, region + "a");
        } else if (path.equals("/latest/meta-data/instance-id")) {
            Replies.text(exchange, 200, instanceId(entry));
        } else if (path.equals("/latest/dynamic/instance-identity/document")) {
            Replies.json(exchange, identityDocument(entry, role));
        } else {
            Replies.text(exchange, 404, "not found: " + path);
        }
    }

    private Map<String, Object> identityDocument(Registrations.Entry entry, String role) {
        var body = new LinkedHashMap<String, Object>();
        String[] arn = role.split(":");
        body.put("accountId", arn.length > 4 ? arn[4] : "");
        body.put("architecture", "x86_64");
        body.put("availabilityZone", region + "a");
        body.put("instanceId", instanceId(entry));
        body.put("instanceType", "hearth.sandbox");
        body.put("region", region);
        body.put("version", "2017-09-30");
        return body;
    }

    private static String instanceId(Registrations.Entry entry) {
        return "i-" + entry.sandboxId().substring(3);
    }
}
