package io.hearth.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadTokensTest {
    private static final String ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/echo-abcdefghij";

    @Test
    void theKeyIsCreatedOnceOwnerOnlyAndItsTokensVerifyWithThePublishedSet(@TempDir Path dir) throws Exception {
        Instant now = Instant.parse("2026-03-04T05:06:07Z");
        var tokens = WorkloadTokens.loadOrCreate(dir, Clock.fixed(now, ZoneOffset.UTC));
        assertThat(Files.getPosixFilePermissions(dir.resolve(WorkloadTokens.FILE_NAME)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        var again = WorkloadTokens.loadOrCreate(dir);
        assertThat(again.jwks()).isEqualTo(tokens.jwks()).doesNotContain("\"d\"");

        SignedJWT jwt = SignedJWT.parse(tokens.issue(new WorkloadTokens.Claims("http://127.0.0.1:8080", "123456789012",
                ARN, "DEFAULT", "session-1", Optional.empty(), "AKIDEXAMPLE")));
        assertThat(jwt.verify(new ECDSAVerifier(JWKSet.parse(again.jwks()).getKeys().getFirst().toECKey()))).isTrue();
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("AKIDEXAMPLE");
        assertThat(claims.getClaim("user_id")).isNull();
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(now.plus(Duration.ofMinutes(15)));
    }

    @Test
    void theSameClaimsShareOneTokenWithinTheReuseWindowAndNoOtherClaimsDo(@TempDir Path dir) throws Exception {
        Instant start = Instant.parse("2026-03-04T05:06:07Z");
        Instant[] now = {start};
        var tokens = WorkloadTokens.loadOrCreate(dir, new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        });
        var alice = new WorkloadTokens.Claims("http://127.0.0.1:8080", "123456789012", ARN, "DEFAULT", "session-1",
                Optional.of("alice"), "AKIDEXAMPLE");
        String first = tokens.issue(alice);
        now[0] = start.plusSeconds(59);
        assertThat(tokens.issue(alice)).as("same claims within the window").isEqualTo(first);
        assertThat(tokens.issue(new WorkloadTokens.Claims("http://127.0.0.1:8080", "123456789012", ARN, "DEFAULT",
                "session-1", Optional.of("bob"), "AKIDEXAMPLE"))).as("another user").isNotEqualTo(first);
        assertThat(tokens.issue(new WorkloadTokens.Claims("http://127.0.0.1:8080", "123456789012", ARN, "DEFAULT",
                "session-2", Optional.of("alice"), "AKIDEXAMPLE"))).as("another session").isNotEqualTo(first);

        now[0] = start.plus(WorkloadTokens.REUSE);
        String later = tokens.issue(alice);
        assertThat(later).as("past the window").isNotEqualTo(first);
        var claims = SignedJWT.parse(later).getJWTClaimsSet();
        assertThat(claims.getJWTID()).isNotEqualTo(SignedJWT.parse(first).getJWTClaimsSet().getJWTID());
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(now[0].plus(WorkloadTokens.LIFETIME));
    }

    @Test
    void aPublicKeyInTheFileIsRefused(@TempDir Path dir) throws Exception {
        var tokens = WorkloadTokens.loadOrCreate(dir);
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve(WorkloadTokens.FILE_NAME), JWKSet.parse(tokens.jwks()).getKeys().getFirst().toJSONString());
        assertThatThrownBy(() -> WorkloadTokens.loadOrCreate(other)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected: an EC P-256 private key");
    }
}
