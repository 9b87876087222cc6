package io.hearth.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.Workers;
import io.hearth.auth.testing.MutableClock;
import io.hearth.auth.testing.OidcProviderFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Key rotation at the provider is followed; unknown key ids cannot make the authorizer hammer the provider. */
class JwtKeyRotationTest {
    private static final String TENANT = "123456789012";

    private final MutableClock clock = MutableClock.atNow();
    private OidcProviderFixture idp;
    private JwtAuthorizer authorizer;

    @BeforeEach
    void start() {
        idp = OidcProviderFixture.start().useClock(clock);
        authorizer = new JwtAuthorizer(JwtAuthorizerConfig.of(idp.discoveryUrl()), JwtAuthorizer.Options.defaults(),
                clock);
        authorizer.authorize(idp.token().sign(), TENANT);
        assertThat(idp.jwksFetches()).isEqualTo(1);
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void unknownKidReloadsTheKeysOnceAndRotationWorks() {
        String oldToken = idp.token().sign();
        String newKid = idp.rotateRsaKey();

        assertThat(authorizer.authorize(idp.token().sign(), TENANT).identity()).isEqualTo(idp.issuer() + " user-1");
        assertThat(idp.jwksFetches()).isEqualTo(2);
        assertThat(newKid).isEqualTo("rsa-2");

        // The retired key is gone from the reloaded set, and asking again does not reload.
        assertThatThrownBy(() -> authorizer.authorize(oldToken, TENANT))
                .isInstanceOf(AuthException.Unauthorized.class)
                .hasMessageContaining("kid: rsa-1 (expected: one of [rsa-2, ec-1]");
        assertThat(idp.jwksFetches()).isEqualTo(2);
    }

    @Test
    void floodOfUnknownKidsReloadsAtMostOncePerInterval() {
        for (int i = 0; i < 50; i++) {
            String token = idp.token().kid("made-up-" + i).sign();
            assertThatThrownBy(() -> authorizer.authorize(token, TENANT))
                    .isInstanceOf(AuthException.Unauthorized.class)
                    .hasMessageContaining("kid: made-up-" + i);
        }
        assertThat(idp.jwksFetches()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(29));
        assertThatThrownBy(() -> authorizer.authorize(idp.token().kid("another").sign(), TENANT))
                .hasMessageContaining("next reload allowed in 1 s");
        assertThat(idp.jwksFetches()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> authorizer.authorize(idp.token().kid("another").sign(), TENANT))
                .hasMessageContaining("(reloaded just now)");
        assertThat(idp.jwksFetches()).isEqualTo(3);
        assertThat(idp.discoveryFetches()).isEqualTo(1);
    }

    @Test
    void rotationRightAfterAReloadWaitsForTheInterval() {
        assertThatThrownBy(() -> authorizer.authorize(idp.token().kid("bogus").sign(), TENANT))
                .isInstanceOf(AuthException.Unauthorized.class);
        idp.rotateRsaKey();
        String token = idp.token().sign();

        assertThatThrownBy(() -> authorizer.authorize(token, TENANT))
                .isInstanceOf(AuthException.Unauthorized.class)
                .hasMessageContaining("kid: rsa-2");
        clock.advance(Duration.ofSeconds(30));
        assertThat(authorizer.authorize(token, TENANT)).isNotNull();
        assertThat(idp.jwksFetches()).isEqualTo(3);
    }

    @Test
    void concurrentUnknownKidsShareOneReload() throws Exception {
        idp.rotateRsaKey();
        String token = idp.token().sign();
        var workers = Workers.bounded("jwt-test", 16, 64);
        try {
            var results = new ArrayList<Future<Principal>>();
            for (int i = 0; i < 32; i++) {
                results.add(workers.submit(() -> authorizer.authorize(token, TENANT)));
            }
            for (var result : results) {
                assertThat(result.get().identity()).isEqualTo(idp.issuer() + " user-1");
            }
        } finally {
            workers.close(Duration.ofSeconds(5));
        }
        assertThat(idp.jwksFetches()).isEqualTo(2);
    }
}
