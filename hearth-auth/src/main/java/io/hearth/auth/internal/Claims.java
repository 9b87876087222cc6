package io.hearth.auth.internal;

import com.nimbusds.jwt.JWTClaimsSet;
import io.hearth.auth.AuthException;
import io.hearth.auth.ClaimRule;
import io.hearth.auth.JwtAuthorizerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The claim checks of a JWT authorizer, on a token whose signature has been verified: issuer, lifetime, subject,
 * then the runtime's audience, client, scope and custom-claim rules. Claim values appear in messages shortened, as
 * they come from the caller.
 */
public final class Claims {
    private static final int SHOWN = 100;

    private final JwtAuthorizerConfig config;
    private final String issuer;
    private final Instant now;
    private final Duration skew;

    public Claims(JwtAuthorizerConfig config, String issuer, Instant now, Duration skew) {
        this.config = config;
        this.issuer = issuer;
        this.now = now;
        this.skew = skew;
    }

    /** Checks every rule; returns the token's subject. */
    public String check(JWTClaimsSet claims) {
        checkIssuer(claims.getClaim("iss"));
        checkLifetime(claims);
        String subject = subject(claims.getClaim("sub"));
        checkAudience(claims.getClaim("aud"));
        checkClient(claims);
        checkScopes(claims);
        for (ClaimRule rule : config.customClaims()) {
            checkCustom(rule, claims.getClaim(rule.claim()));
        }
        return subject;
    }

    private void checkIssuer(Object iss) {
        if (!(iss instanceof String s) || !s.equals(issuer)) {
            throw new AuthException.Unauthorized("iss: " + describe(iss) + " (expected: " + issuer
                    + ", the issuer of the discovery document)");
        }
    }

    private void checkLifetime(JWTClaimsSet claims) {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new AuthException.Unauthorized("exp: missing (expected: the token's expiry time)");
        }
        if (!now.isBefore(exp.toInstant().plus(skew))) {
            throw new AuthException.Unauthorized("exp: " + exp.toInstant() + ", the token has expired (expected: a"
                    + " time after " + now + ", with " + skew.toSeconds() + " s clock skew)");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
            throw new AuthException.Unauthorized("nbf: " + nbf.toInstant() + ", the token is not valid yet (expected:"
                    + " a time before " + now + ", with " + skew.toSeconds() + " s clock skew)");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(skew))) {
            throw new AuthException.Unauthorized("iat: " + iat.toInstant() + ", the token was issued in the future"
                    + " (expected: a time before " + now + ", with " + skew.toSeconds() + " s clock skew)");
        }
    }

    private static String subject(Object sub) {
        if (!(sub instanceof String s) || s.isEmpty()) {
            throw new AuthException.Unauthorized("sub: " + describe(sub) + " (expected: the subject, a string)");
        }
        return s;
    }

    private void checkAudience(Object aud) {
        if (config.allowedAudience().isEmpty()) {
            return;
        }
        List<String> audience = aud instanceof String s ? List.of(s) : strings(aud).orElse(List.of());
        if (audience.stream().noneMatch(config.allowedAudience()::contains)) {
            throw new AuthException.Unauthorized("aud: " + describe(aud) + " (expected: one of "
                    + config.allowedAudience() + ")");
        }
    }

    /** {@code client_id} as access tokens carry it (Cognito, RFC 9068); {@code azp} for tokens without one. */
    private void checkClient(JWTClaimsSet claims) {
        if (config.allowedClients().isEmpty()) {
            return;
        }
        Object clientId = claims.getClaim("client_id");
        String name = "client_id";
        if (clientId == null && claims.getClaim("azp") != null) {
            clientId = claims.getClaim("azp");
            name = "azp";
        }
        if (!(clientId instanceof String s) || !config.allowedClients().contains(s)) {
            throw new AuthException.Unauthorized(name + ": " + describe(clientId) + " (expected: one of "
                    + config.allowedClients() + ")");
        }
    }

    /** {@code scope} is space-separated (RFC 8693, 9068); some providers send {@code scp}, as a string or array. */
    private void checkScopes(JWTClaimsSet claims) {
        if (config.allowedScopes().isEmpty()) {
            return;
        }
        var held = new ArrayList<String>();
        for (String name : List.of("scope", "scp")) {
            Object value = claims.getClaim(name);
            if (value instanceof String s) {
                held.addAll(List.of(s.trim().split(" +")));
            } else {
                strings(value).ifPresent(held::addAll);
            }
        }
        if (held.stream().noneMatch(config.allowedScopes()::contains)) {
            throw new AuthException.Unauthorized("scope: " + describe(claims.getClaim("scope") != null
                    ? claims.getClaim("scope") : claims.getClaim("scp")) + " (expected: at least one of "
                    + config.allowedScopes() + ")");
        }
    }

    private static void checkCustom(ClaimRule rule, Object value) {
        String name = "claim " + rule.claim();
        if (value == null) {
            throw new AuthException.Unauthorized(name + ": missing (expected: " + expectation(rule) + ")");
        }
        boolean matches = switch (rule) {
            case ClaimRule.StringEquals r -> {
                if (!(value instanceof String s)) {
                    throw typeMismatch(name, value, "a string");
                }
                yield s.equals(r.value());
            }
            case ClaimRule.ArrayContains r -> strings(value)
                    .orElseThrow(() -> typeMismatch(name, value, "an array of strings")).contains(r.value());
            case ClaimRule.ArrayContainsAny r -> strings(value)
                    .orElseThrow(() -> typeMismatch(name, value, "an array of strings")).stream()
                    .anyMatch(r.values()::contains);
        };
        if (!matches) {
            throw new AuthException.Unauthorized(name + ": " + describe(value) + " (expected: " + expectation(rule)
                    + ")");
        }
    }

    private static String expectation(ClaimRule rule) {
        return switch (rule) {
            case ClaimRule.StringEquals r -> "a string equal to \"" + r.value() + "\"";
            case ClaimRule.ArrayContains r -> "an array of strings containing \"" + r.value() + "\"";
            case ClaimRule.ArrayContainsAny r -> "an array of strings containing any of " + r.values();
        };
    }

    private static AuthException.Unauthorized typeMismatch(String name, Object value, String expected) {
        return new AuthException.Unauthorized(name + ": " + describe(value) + ", " + kind(value) + " (expected: "
                + expected + ")");
    }

    private static Optional<List<String>> strings(Object value) {
        if (!(value instanceof List<?> list)) {
            return Optional.empty();
        }
        var strings = new ArrayList<String>(list.size());
        for (Object item : list) {
            if (!(item instanceof String s)) {
                return Optional.empty();
            }
            strings.add(s);
        }
        return Optional.of(strings);
    }

    private static String kind(Object value) {
        return switch (value) {
            case String ignored -> "a string";
            case List<?> ignored -> "an array";
            case Map<?, ?> ignored -> "an object";
            case Number ignored -> "a number";
            case Boolean ignored -> "a boolean";
            default -> "a " + value.getClass().getSimpleName();
        };
    }

    private static String describe(Object value) {
        if (value == null) {
            return "missing";
        }
        return value instanceof String s ? "\"" + shown(s) + "\"" : shown(String.valueOf(value));
    }

    /** A caller-supplied value, cut short enough for a log line or an error message. */
    static String shown(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() > SHOWN ? value.substring(0, SHOWN) + "..." : value;
    }
}
