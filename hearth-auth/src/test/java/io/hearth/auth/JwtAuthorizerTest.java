package io.hearth.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.hearth.auth.testing.MutableClock;
import io.hearth.auth.testing.OidcProviderFixture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A JWT authorizer against a real OIDC provider on loopback: what it accepts and every way it refuses. */
class JwtAuthorizerTest {
    private static final String TENANT = "123456789012";
    private static final MutableClock CLOCK = MutableClock.atNow();
    private static OidcProviderFixture idp;

    private JwtAuthorizerConfig config;

    @BeforeAll
    static void startProvider() {
        idp = OidcProviderFixture.start().useClock(CLOCK);
    }

    @AfterAll
    static void stopProvider() {
        idp.close();
    }

    @BeforeEach
    void plainConfig() {
        config = JwtAuthorizerConfig.of(idp.discoveryUrl());
    }

    private Principal authorize(String token) {
        return new JwtAuthorizer(config, JwtAuthorizer.Options.defaults(), CLOCK).authorize(token, TENANT);
    }

    /** Refused with a 401 whose message contains {@code expected} and nothing of the token. */
    private void refused(String token, String expected) {
        var e = catchThrowableOfType(AuthException.Unauthorized.class, () -> authorize(token));
        assertThat(e).as("refusal of the token").isNotNull();
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.errorType()).isEqualTo("UnauthorizedException");
        assertThat(e.getMessage()).contains(expected);
        for (String part : token.split("\\.")) {
            if (part.length() > 8) {
                assertThat(e.getMessage()).doesNotContain(part);
            }
        }
    }

    @Test
    void validRs256TokenIsThePrincipalIssuerAndSubject() {
        Principal p = authorize(idp.token().subject("alice").sign());

        assertThat(p.tenant()).isEqualTo(TENANT);
        assertThat(p.kind()).isEqualTo(Principal.Kind.JWT);
        assertThat(p.identity()).isEqualTo(idp.issuer() + " alice");
        assertThat(p.userId()).isEmpty();
    }

    @Test
    void validEs256AndPs256Tokens() {
        assertThat(authorize(idp.token().alg(JWSAlgorithm.ES256).subject("bob").sign()).identity())
                .isEqualTo(idp.issuer() + " bob");
        assertThat(authorize(idp.token().alg(JWSAlgorithm.PS256).sign()).identity())
                .isEqualTo(idp.issuer() + " user-1");
    }

    @Test
    void tokenWithoutKidUsesTheOnlyKeyForItsAlgorithm() {
        assertThat(authorize(idp.token().noKid().sign()).identity()).isEqualTo(idp.issuer() + " user-1");
    }

    @Test
    void wrongSignatureIsRefused() {
        String forged = idp.token().signedWith(OidcProviderFixture.foreignRsaKey(idp.rsaKeyId())).sign();
        refused(forged, "signature: does not verify with key " + idp.rsaKeyId());
    }

    @Test
    void tamperedPayloadIsRefused() {
        String[] parts = idp.token().subject("alice").sign().split("\\.");
        String other = idp.token().subject("mallory").sign().split("\\.")[1];
        refused(parts[0] + "." + other + "." + parts[2], "signature: does not verify");
    }

    @Test
    void algNoneIsRefused() {
        refused(idp.token().unsigned(), "alg: none");
    }

    @Test
    void hmacSignedWithThePublicKeyIsRefused() {
        refused(idp.token().hmacWithPublicKey(), "alg: HS256");
    }

    @Test
    void algorithmThatDoesNotFitTheKeyIsRefused() {
        // An EC signature presented as coming from the RSA key, and an ES384 token on a P-256 key.
        refused(idp.token().alg(JWSAlgorithm.ES256).kid(idp.rsaKeyId()).signedWith(ecKey()).sign(),
                "alg: ES256 (expected: an alg for the RSA key");
        refused(idp.token().alg(JWSAlgorithm.RS256).kid(idp.ecKeyId()).sign(), "alg: RS256");
    }

    private static ECKey ecKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void malformedTokensAreRefused() {
        refused("not-a-jwt", "bearer token: 1 parts");
        refused("a.b.c.d.e", "encrypted JWT");
        refused("", "bearer token: empty");
        refused("x".repeat(40_000), "characters (expected: at most");
        refused("eyJmb28iOiJiYXIifQ.e30.c2ln", "header unreadable");
    }

    @Test
    void wrongIssuerIsRefused() {
        refused(idp.token().issuer("https://evil.example.com").sign(),
                "iss: \"https://evil.example.com\" (expected: " + idp.issuer());
    }

    @Test
    void expiredTokenIsRefusedButSkewIsTolerated() {
        refused(idp.token().expiresAt(CLOCK.instant().minus(Duration.ofMinutes(2))).sign(), "the token has expired");
        assertThat(authorize(idp.token().expiresAt(CLOCK.instant().minusSeconds(30)).sign())).isNotNull();
    }

    @Test
    void tokenWithoutExpiryIsRefused() {
        refused(idp.token().without("exp").sign(), "exp: missing");
    }

    @Test
    void tokenNotYetValidIsRefused() {
        refused(idp.token().notBefore(CLOCK.instant().plus(Duration.ofMinutes(5))).sign(), "nbf: ");
        refused(idp.token().issuedAt(CLOCK.instant().plus(Duration.ofMinutes(5))).sign(), "iat: ");
        assertThat(authorize(idp.token().notBefore(CLOCK.instant().plusSeconds(30)).sign())).isNotNull();
    }

    @Test
    void tokenWithoutSubjectIsRefused() {
        refused(idp.token().without("sub").sign(), "sub: missing");
    }

    @Test
    void audienceMustBeAllowed() {
        config = config.withAllowedAudience(List.of("api-a", "api-b"));

        assertThat(authorize(idp.token().audience("api-b").sign())).isNotNull();
        assertThat(authorize(idp.token().audience("other", "api-a").sign())).isNotNull();
        refused(idp.token().audience("other").sign(), "aud: [other] (expected: one of [api-a, api-b])");
        refused(idp.token().sign(), "aud: missing");
    }

    @Test
    void clientMustBeAllowed() {
        config = config.withAllowedClients(List.of("client-1"));

        assertThat(authorize(idp.token().claim("client_id", "client-1").sign())).isNotNull();
        assertThat(authorize(idp.token().claim("azp", "client-1").sign())).isNotNull();
        refused(idp.token().claim("client_id", "client-2").sign(), "client_id: \"client-2\" (expected: one of"
                + " [client-1])");
        refused(idp.token().claim("client_id", "client-2").claim("azp", "client-1").sign(), "client_id:");
        refused(idp.token().audience("client-1").sign(), "client_id: missing");
    }

    @Test
    void atLeastOneAllowedScopeIsNeeded() {
        config = config.withAllowedScopes(List.of("agent/invoke", "admin"));

        assertThat(authorize(idp.token().claim("scope", "openid agent/invoke").sign())).isNotNull();
        assertThat(authorize(idp.token().claim("scp", List.of("admin")).sign())).isNotNull();
        assertThat(authorize(idp.token().claim("scp", "read admin").sign())).isNotNull();
        refused(idp.token().claim("scope", "openid profile").sign(), "scope: \"openid profile\" (expected: at least"
                + " one of [agent/invoke, admin])");
        refused(idp.token().sign(), "scope: missing");
    }

    @Test
    void stringEqualsClaim() {
        config = config.withCustomClaims(List.of(new ClaimRule.StringEquals("department", "engineering")));

        assertThat(authorize(idp.token().claim("department", "engineering").sign())).isNotNull();
        refused(idp.token().claim("department", "sales").sign(), "claim department: \"sales\" (expected: a string"
                + " equal to \"engineering\")");
        refused(idp.token().claim("department", List.of("engineering")).sign(), "claim department: [engineering], an"
                + " array (expected: a string)");
        refused(idp.token().sign(), "claim department: missing");
    }

    @Test
    void arrayContainsClaim() {
        config = config.withCustomClaims(List.of(new ClaimRule.ArrayContains("roles", "admin")));

        assertThat(authorize(idp.token().claim("roles", List.of("user", "admin")).sign())).isNotNull();
        refused(idp.token().claim("roles", List.of("user")).sign(), "claim roles: [user] (expected: an array of"
                + " strings containing \"admin\")");
        refused(idp.token().claim("roles", "admin").sign(), "claim roles: \"admin\", a string (expected: an array of"
                + " strings)");
        refused(idp.token().claim("roles", List.of("admin", 7)).sign(), "an array (expected: an array of strings)");
    }

    @Test
    void arrayContainsAnyClaim() {
        config = config.withCustomClaims(List.of(new ClaimRule.ArrayContainsAny("groups", List.of("ops", "dev"))));

        assertThat(authorize(idp.token().claim("groups", List.of("finance", "dev")).sign())).isNotNull();
        refused(idp.token().claim("groups", List.of("finance")).sign(), "claim groups: [finance] (expected: an array"
                + " of strings containing any of [ops, dev])");
        refused(idp.token().claim("groups", "dev").sign(), "claim groups: \"dev\", a string");
        refused(idp.token().claim("groups", 3).sign(), "claim groups: 3, a number");
    }

    @Test
    void everyCustomClaimMustMatch() {
        config = config.withCustomClaims(List.of(new ClaimRule.StringEquals("tier", "gold"),
                new ClaimRule.ArrayContains("roles", "agent")));

        assertThat(authorize(idp.token().claim("tier", "gold").claim("roles", List.of("agent")).sign())).isNotNull();
        refused(idp.token().claim("tier", "gold").sign(), "claim roles: missing");
    }

    @Test
    void discoveryAndKeysAreCachedUntilTheirTtl() {
        var clock = MutableClock.atNow();
        try (var own = OidcProviderFixture.start().useClock(clock)) {
            var authorizer = new JwtAuthorizer(JwtAuthorizerConfig.of(own.discoveryUrl()),
                    JwtAuthorizer.Options.defaults(), clock);
            for (int i = 0; i < 5; i++) {
                authorizer.authorize(own.token().sign(), TENANT);
            }
            assertThat(own.discoveryFetches()).isEqualTo(1);
            assertThat(own.jwksFetches()).isEqualTo(1);

            clock.advance(Duration.ofMinutes(16));
            authorizer.authorize(own.token().sign(), TENANT);
            assertThat(own.discoveryFetches()).isEqualTo(2);
            assertThat(own.jwksFetches()).isEqualTo(2);
        }
    }

    @Test
    void providerDownIsAClearUnauthorized() {
        var down = OidcProviderFixture.start();
        String token = down.token().sign();
        var authorizer = new JwtAuthorizer(JwtAuthorizerConfig.of(down.discoveryUrl()));
        down.close();

        assertThatThrownBy(() -> authorizer.authorize(token, TENANT))
                .isInstanceOf(AuthException.Unauthorized.class)
                .hasMessageContaining("the identity provider is unavailable")
                .hasMessageContaining("discovery document " + down.discoveryUrl() + ": GET failed")
                .hasMessageContaining("Connection refused");
        // Not retried at once: the same refusal comes from memory.
        assertThatThrownBy(() -> authorizer.authorize(token, TENANT))
                .hasMessageContaining("next attempt in");
    }

    @Test
    void providerErrorIsAClearUnauthorizedAndRecoveryIsPickedUp() {
        var clock = MutableClock.atNow();
        try (var own = OidcProviderFixture.start().useClock(clock)) {
            var authorizer = new JwtAuthorizer(JwtAuthorizerConfig.of(own.discoveryUrl()),
                    JwtAuthorizer.Options.defaults(), clock);
            own.failWith(500);
            assertThatThrownBy(() -> authorizer.authorize(own.token().sign(), TENANT))
                    .isInstanceOf(AuthException.Unauthorized.class)
                    .hasMessageContaining("discovery document " + own.discoveryUrl())
                    .hasMessageContaining("500");

            own.recover();
            clock.advance(Duration.ofSeconds(6));
            assertThat(authorizer.authorize(own.token().sign(), TENANT).identity()).endsWith(" user-1");
        }
    }

    @Test
    void lastKeysStayInUseWhileTheProviderIsDown() {
        var clock = MutableClock.atNow();
        try (var own = OidcProviderFixture.start().useClock(clock)) {
            var authorizer = new JwtAuthorizer(JwtAuthorizerConfig.of(own.discoveryUrl()),
                    JwtAuthorizer.Options.defaults(), clock);
            authorizer.authorize(own.token().sign(), TENANT);
            own.failWith(503);
            clock.advance(Duration.ofMinutes(20));

            assertThat(authorizer.authorize(own.token().sign(), TENANT).identity()).endsWith(" user-1");
            assertThat(own.discoveryFetches()).isEqualTo(2);
        }
    }

    @Test
    void bearerTokenComesFromTheAuthorizationHeader() {
        assertThat(JwtAuthorizer.bearerToken(Optional.of("Bearer abc.def.ghi"))).isEqualTo("abc.def.ghi");
        assertThat(JwtAuthorizer.bearerToken(Optional.of("bearer   abc.def.ghi "))).isEqualTo("abc.def.ghi");
        assertThatThrownBy(() -> JwtAuthorizer.bearerToken(Optional.empty()))
                .isInstanceOf(AuthException.Unauthorized.class).hasMessageContaining("Authorization: missing");
        assertThatThrownBy(() -> JwtAuthorizer.bearerToken(Optional.of("Basic dXNlcjpwYXNz")))
                .isInstanceOf(AuthException.Unauthorized.class).hasMessageContaining("scheme Basic");
        assertThatThrownBy(() -> JwtAuthorizer.bearerToken(Optional.of("Bearer ")))
                .isInstanceOf(AuthException.Unauthorized.class).hasMessageContaining("without a token");
    }
}
