package io.hearth.auth.internal;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import io.hearth.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Fetches an identity provider's OpenID Connect discovery document and its JSON Web Key Set over HTTP, with connect
 * and read timeouts and a size limit, so a slow or hostile provider costs a bounded wait and bounded memory.
 */
public final class OidcDocuments {
    /** What Hearth needs from a discovery document. */
    public record Discovery(String issuer, URI jwksUri) {
        public Discovery {
            requireNonNull(issuer, "issuer");
            requireNonNull(jwksUri, "jwksUri");
        }
    }

    private final DefaultResourceRetriever retriever;

    public OidcDocuments(Duration connectTimeout, Duration readTimeout, int maxBytes) {
        // Disconnecting after use keeps no idle connection to a provider that is asked a few times an hour.
        this.retriever = new DefaultResourceRetriever(Math.toIntExact(connectTimeout.toMillis()),
                Math.toIntExact(readTimeout.toMillis()), maxBytes, true);
    }

    public Discovery discovery(URI url) {
        String body = get("discovery document", url);
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (JacksonException e) {
            throw new ProviderFailure("discovery document " + url + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        if (!json.isObject()) {
            throw new ProviderFailure("discovery document " + url + ": not a JSON object");
        }
        JsonNode issuer = json.get("issuer");
        if (issuer == null || !issuer.isString() || issuer.stringValue().isEmpty()) {
            throw new ProviderFailure("discovery document " + url + ": issuer missing (expected: a non-empty string)");
        }
        JsonNode jwks = json.get("jwks_uri");
        if (jwks == null || !jwks.isString()) {
            throw new ProviderFailure("discovery document " + url + ": jwks_uri missing (expected: a URL)");
        }
        return new Discovery(issuer.stringValue(), httpUrl("discovery document " + url + ": jwks_uri",
                jwks.stringValue()));
    }

    public JWKSet jwks(URI url) {
        String body = get("key set", url);
        try {
            // Only public parameters are kept, whatever the provider publishes.
            return JWKSet.parse(body).toPublicJWKSet();
        } catch (ParseException e) {
            throw new ProviderFailure("key set " + url + ": not a JSON Web Key Set (" + e.getMessage() + ")", e);
        }
    }

    private String get(String what, URI url) {
        try {
            String content = retriever.retrieveResource(url.toURL()).getContent();
            if (content == null) {
                throw new ProviderFailure(what + " " + url + ": empty response");
            }
            return content;
        } catch (IOException | IllegalArgumentException e) {
            throw new ProviderFailure(what + " " + url + ": GET failed (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    private static URI httpUrl(String name, String text) {
        try {
            URI uri = new URI(text);
            if (uri.isAbsolute() && uri.getHost() != null
                    && ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ProviderFailure(name + ": " + text + " (expected: an absolute http(s) URL)");
    }
}
