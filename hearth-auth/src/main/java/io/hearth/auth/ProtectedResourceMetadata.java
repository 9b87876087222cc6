package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * OAuth 2.0 protected-resource metadata (RFC 9728) for one runtime endpoint with a JWT authorizer: the
 * {@code WWW-Authenticate} challenge a call without a valid token is answered with, and the metadata document that
 * challenge points to, so OAuth clients (MCP clients among them) can find the authorization server by themselves.
 *
 * <p>As AgentCore does, the metadata lives under the invocation path,
 * {@code <base>/runtimes/<escaped arn>/invocations/.well-known/oauth-protected-resource?qualifier=<q>}, and the
 * resource is the invocation URL {@code <base>/runtimes/<escaped arn>/invocations}.
 *
 * @param base       the public base URL of Hearth's data plane, such as {@code https://hearth.example.com}
 * @param runtimeArn the runtime's ARN, as in the invocation path (it is percent-encoded here)
 * @param qualifier  the endpoint name ({@code DEFAULT} when the caller gave none)
 */
public record ProtectedResourceMetadata(URI base, String runtimeArn, String qualifier) {
    public static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    public ProtectedResourceMetadata {
        requireNonNull(base, "base");
        requireNonNull(runtimeArn, "runtimeArn");
        requireNonNull(qualifier, "qualifier");
        if (!base.isAbsolute() || base.getHost() == null || base.getRawQuery() != null || base.getRawFragment() != null
                || !("https".equalsIgnoreCase(base.getScheme()) || "http".equalsIgnoreCase(base.getScheme()))) {
            throw new IllegalArgumentException("base: " + base + " (expected: an http(s) URL without query or"
                    + " fragment)");
        }
        String text = base.toString();
        if (text.endsWith("/")) {
            base = URI.create(text.substring(0, text.length() - 1));
        }
        if (runtimeArn.isEmpty()) {
            throw new IllegalArgumentException("runtimeArn: empty (expected: a runtime ARN)");
        }
        if (qualifier.isEmpty()) {
            throw new IllegalArgumentException("qualifier: empty (expected: an endpoint name)");
        }
    }

    /** The protected resource: the runtime's invocation URL. */
    public URI resource() {
        return URI.create(base + "/runtimes/" + escape(runtimeArn) + "/invocations");
    }

    /** Where the metadata document is served. */
    public URI metadataUrl() {
        return URI.create(resource() + WELL_KNOWN + "?qualifier=" + escape(qualifier));
    }

    /** The {@code WWW-Authenticate} header value of a 401 from this endpoint. */
    public String challenge() {
        // Every character that could end the quoted string is percent-encoded in the URL.
        return "Bearer resource_metadata=\"" + metadataUrl() + "\"";
    }

    /**
     * The metadata document: {@code resource}, {@code authorization_servers} (the provider's issuer),
     * {@code bearer_methods_supported}, and {@code scopes_supported} when the authorizer allows only some scopes.
     */
    public ObjectNode document(String issuer, List<String> allowedScopes) {
        requireNonNull(issuer, "issuer");
        requireNonNull(allowedScopes, "allowedScopes");
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.put("resource", resource().toString());
        doc.putArray("authorization_servers").add(issuer);
        doc.putArray("bearer_methods_supported").add("header");
        if (!allowedScopes.isEmpty()) {
            var scopes = doc.putArray("scopes_supported");
            allowedScopes.forEach(scopes::add);
        }
        return doc;
    }

    /** The document for a runtime's authorizer, its issuer read through discovery. */
    public ObjectNode document(JwtAuthorizer authorizer) {
        return document(authorizer.issuer(), authorizer.config().allowedScopes());
    }

    /** Percent-encodes all but RFC 3986 unreserved characters, as the AWS SDKs encode a path label. */
    static String escape(String value) {
        var out = new StringBuilder(value.length() * 3 / 2);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
