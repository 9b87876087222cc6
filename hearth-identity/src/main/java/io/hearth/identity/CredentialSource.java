package io.hearth.identity;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/** Where Hearth gets a role's credentials: the operator's choice, per role. */
public sealed interface CredentialSource {

    /** Keys kept in Hearth's configuration, handed out as they are. */
    record StaticKeys(RoleCredentials credentials) implements CredentialSource {
        public StaticKeys {
            requireNonNull(credentials, "credentials");
        }
    }

    /**
     * STS {@code AssumeRole} of the role, signed with Hearth's own credentials (the AWS SDK's default chain on the
     * host: environment, profile, the host's own metadata service).
     *
     * @param region     the STS region; empty: the server's region
     * @param externalId passed to AssumeRole when the role's trust policy asks for one
     * @param duration   how long each set of credentials lasts (15 minutes to 12 hours)
     */
    record AssumeRole(Optional<String> region, Optional<String> externalId, Duration duration) implements CredentialSource {
        public static final Duration DEFAULT_DURATION = Duration.ofHours(1);

        public AssumeRole {
            requireNonNull(region, "region");
            requireNonNull(externalId, "externalId");
            requireNonNull(duration, "duration");
            if (duration.compareTo(Duration.ofMinutes(15)) < 0 || duration.compareTo(Duration.ofHours(12)) > 0) {
                throw new IllegalArgumentException("durationSeconds: " + duration.toSeconds() + " (expected: 900 to 43200)");
            }
        }
    }
}
