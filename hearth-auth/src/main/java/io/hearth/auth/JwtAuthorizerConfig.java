package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.auth.internal.AuthorizerJson;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A runtime's {@code authorizerConfiguration.customJWTAuthorizer}. An empty list means that check is not configured;
 * on the wire a list is either absent or holds at least one value.
 *
 * @param discoveryUrl    the OpenID Connect discovery document, {@code .../.well-known/openid-configuration}
 * @param allowedAudience the token's {@code aud} must hold one of these
 * @param allowedClients  the token's {@code client_id} (or, without one, {@code azp}) must be one of these
 * @param allowedScopes   the token's {@code scope} (or {@code scp}) must hold at least one of these
 * @param customClaims    further claims the token must carry, all of them
 */
public record JwtAuthorizerConfig(URI discoveryUrl, List<String> allowedAudience, List<String> allowedClients,
        List<String> allowedScopes, List<ClaimRule> customClaims) {
    private static final Pattern DISCOVERY = Pattern.compile(".+/\\.well-known/openid-configuration");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,255}");

    public JwtAuthorizerConfig {
        requireNonNull(discoveryUrl, "discoveryUrl");
        checkDiscoveryUrl(discoveryUrl);
        allowedAudience = nonEmptyStrings("allowedAudience", allowedAudience);
        allowedClients = nonEmptyStrings("allowedClients", allowedClients);
        allowedScopes = nonEmptyStrings("allowedScopes", allowedScopes);
        for (String scope : allowedScopes) {
            if (!SCOPE.matcher(scope).matches()) {
                throw ApiException.validation("customJWTAuthorizer.allowedScopes: \"" + scope + "\" (expected: 1 to"
                        + " 255 printable ASCII characters without spaces, '\"' or '\\')");
            }
        }
        customClaims = List.copyOf(requireNonNull(customClaims, "customClaims"));
    }

    /** Only a discovery URL: any token the provider signed, for any audience, client or scope. */
    public static JwtAuthorizerConfig of(URI discoveryUrl) {
        return new JwtAuthorizerConfig(discoveryUrl, List.of(), List.of(), List.of(), List.of());
    }

    /**
     * Reads the {@code customJWTAuthorizer} object as the control plane receives and stores it; unknown members are
     * ignored. Bad input is a {@code ValidationException} naming the member.
     */
    public static JwtAuthorizerConfig fromJson(JsonNode customJwtAuthorizer) {
        return AuthorizerJson.read(customJwtAuthorizer);
    }

    public JwtAuthorizerConfig withAllowedAudience(List<String> audience) {
        return new JwtAuthorizerConfig(discoveryUrl, audience, allowedClients, allowedScopes, customClaims);
    }

    public JwtAuthorizerConfig withAllowedClients(List<String> clients) {
        return new JwtAuthorizerConfig(discoveryUrl, allowedAudience, clients, allowedScopes, customClaims);
    }

    public JwtAuthorizerConfig withAllowedScopes(List<String> scopes) {
        return new JwtAuthorizerConfig(discoveryUrl, allowedAudience, allowedClients, scopes, customClaims);
    }

    public JwtAuthorizerConfig withCustomClaims(List<ClaimRule> claims) {
        return new JwtAuthorizerConfig(discoveryUrl, allowedAudience, allowedClients, allowedScopes, claims);
    }

    private static void checkDiscoveryUrl(URI url) {
        String text = url.toString();
        String scheme = url.getScheme();
        // Plain http is allowed for providers on the same host or network; the pattern is the one AWS enforces.
        if (!url.isAbsolute() || url.getHost() == null || url.getFragment() != null
                || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
                || !DISCOVERY.matcher(text).matches()) {
            throw ApiException.validation("customJWTAuthorizer.discoveryUrl: " + text + " (expected: an http(s) URL"
                    + " ending in /.well-known/openid-configuration)");
        }
    }

    private static List<String> nonEmptyStrings(String name, List<String> values) {
        requireNonNull(values, name);
        for (String value : values) {
            if (requireNonNull(value, name).isEmpty()) {
                throw ApiException.validation("customJWTAuthorizer." + name + ": \"\" (expected: non-empty strings)");
            }
        }
        return List.copyOf(values);
    }
}
