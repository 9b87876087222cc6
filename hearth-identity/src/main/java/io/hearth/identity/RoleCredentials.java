package io.hearth.identity;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * AWS credentials for one role, as an agent's SDK receives them.
 *
 * @param expiration when temporary credentials stop working; empty for long-term keys
 */
public record RoleCredentials(String accessKeyId, String secretAccessKey, Optional<String> sessionToken,
        Optional<Instant> expiration) {

    public RoleCredentials {
        requireNonNull(accessKeyId, "accessKeyId");
        requireNonNull(secretAccessKey, "secretAccessKey");
        requireNonNull(sessionToken, "sessionToken");
        requireNonNull(expiration, "expiration");
        if (!accessKeyId.matches("[A-Z0-9]{16,128}")) {
            throw new IllegalArgumentException("accessKeyId: " + accessKeyId + " (expected: 16 to 128 upper-case letters or digits)");
        }
        if (secretAccessKey.isBlank()) {
            throw new IllegalArgumentException("secretAccessKey: empty (expected: the key's secret)");
        }
        sessionToken.filter(String::isBlank).ifPresent(t -> {
            throw new IllegalArgumentException("sessionToken: empty (expected: a token, or leave it out)");
        });
    }

    /** Never prints the secret or the token. */
    @Override
    public String toString() {
        return "RoleCredentials[" + accessKeyId + ", expiration=" + expiration.map(Instant::toString).orElse("none") + "]";
    }
}
