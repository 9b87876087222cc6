package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hearth.auth.internal.BearerTokens;
import io.hearth.auth.internal.Claims;
import io.hearth.auth.internal.OidcDocuments;
import io.hearth.auth.internal.ProviderKeys;
import io.hearth.auth.internal.SignatureCheck;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A runtime's JWT authorizer: verifies a bearer token against the runtime's identity provider (found through its
 * OpenID Connect discovery document) and the runtime's {@link JwtAuthorizerConfig}, and says who the caller is.
 * Safe for concurrent use; one instance per runtime keeps that provider's keys cached.
 */
public final class JwtAuthorizer {

    /**
     * @param cacheTtl           how long discovery and keys are used before they are fetched again
     * @param minRefreshInterval at most one key-set reload per interval for tokens whose key is unknown
     * @param retryAfterFailure  how long a failed fetch is not retried
     * @param clockSkew          tolerance on {@code exp}, {@code nbf} and {@code iat}
     * @param connectTimeout     to the provider
     * @param readTimeout        from the provider
     * @param maxDocumentBytes   largest discovery document or key set read
     */
    public record Options(Duration cacheTtl, Duration minRefreshInterval, Duration retryAfterFailure,
            Duration clockSkew, Duration connectTimeout, Duration readTimeout, int maxDocumentBytes) {
        public Options {
            positive("cacheTtl", cacheTtl);
            positive("minRefreshInterval", minRefreshInterval);
            positive("retryAfterFailure", retryAfterFailure);
            requireNonNull(clockSkew, "clockSkew");
            if (clockSkew.isNegative()) {
                throw new IllegalArgumentException("clockSkew: " + clockSkew + " (expected: zero or more)");
            }
            positive("connectTimeout", connectTimeout);
            positive("readTimeout", readTimeout);
            if (maxDocumentBytes < 1024) {
                throw new IllegalArgumentException("maxDocumentBytes: " + maxDocumentBytes
                        + " (expected: at least 1024)");
            }
        }

        /** 15 min cache, one reload per 30 s, 5 s after a failure, 60 s skew, 5 s timeouts, 1 MiB documents. */
        public static Options defaults() {
            return new Options(Duration.ofMinutes(15), Duration.ofSeconds(30), Duration.ofSeconds(5),
                    Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(5), 1024 * 1024);
        }

        private static void positive(String name, Duration value) {
            requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: more than zero)");
            }
        }
    }

    private final JwtAuthorizerConfig config;
    private final Options options;
    private final Clock clock;
    private final ProviderKeys keys;

    public JwtAuthorizer(JwtAuthorizerConfig config) {
        this(config, Options.defaults(), Clock.systemUTC());
    }

    public JwtAuthorizer(JwtAuthorizerConfig config, Options options, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.options = requireNonNull(options, "options");
        this.clock = requireNonNull(clock, "clock");
        var documents = new OidcDocuments(options.connectTimeout(), options.readTimeout(), options.maxDocumentBytes());
        this.keys = new ProviderKeys(config.discoveryUrl(), documents, clock, options.cacheTtl(),
                options.minRefreshInterval(), options.retryAfterFailure());
    }

    public JwtAuthorizerConfig config() {
        return config;
    }

    /**
     * The principal a valid token stands for: {@code kind} JWT, identity {@code iss + " " + sub}.
     *
     * @param bearerToken the token, without the {@code Bearer } scheme
     * @param tenant      the account the runtime belongs to
     * @throws AuthException.Unauthorized when the token is malformed, not signed by the provider's keys, outside its
     *                                    lifetime, or not allowed by the configuration, or when the provider cannot
     *                                    be reached; the message says which, and never contains the token
     */
    public Principal authorize(String bearerToken, String tenant) {
        requireNonNull(bearerToken, "bearerToken");
        requireNonNull(tenant, "tenant");
        SignedJWT jwt = BearerTokens.parse(bearerToken);
        ProviderKeys.Snapshot provider = keys.current();
        SignatureCheck.verify(jwt, keys.keyFor(jwt.getHeader()));
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AuthException.Unauthorized("bearer token: claims unreadable (" + e.getMessage()
                    + "; expected: a JSON object with numeric exp, nbf and iat)");
        }
        String subject = new Claims(config, provider.issuer(), clock.instant(), options.clockSkew()).check(claims);
        return new Principal(tenant, Principal.Kind.JWT, provider.issuer() + " " + subject, Optional.empty());
    }

    /** The provider's issuer, as its discovery document names it (what protected-resource metadata advertises). */
    public String issuer() {
        return keys.current().issuer();
    }

    /** The token of an {@code Authorization: Bearer <token>} header; the scheme is matched case-insensitively. */
    public static String bearerToken(Optional<String> authorization) {
        String header = requireNonNull(authorization, "authorization").orElseThrow(() ->
                new AuthException.Unauthorized("Authorization: missing (expected: Bearer and a JWT)")).strip();
        if (header.equalsIgnoreCase("bearer")) {
            throw new AuthException.Unauthorized("Authorization: Bearer without a token (expected: Bearer and a JWT)");
        }
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            String scheme = space < 0 ? header : header.substring(0, space);
            throw new AuthException.Unauthorized("Authorization: scheme " + (scheme.length() > 20 ? "(other)" : scheme)
                    + " (expected: Bearer and a JWT)");
        }
        return header.substring(space + 1).strip();
    }
}
