package io.hearth.identity.internal;

import io.hearth.identity.CredentialSource;
import io.hearth.identity.RoleCredentialSources;
import io.hearth.identity.RoleCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials per role, from the operator's sources. Temporary ones are kept until {@link #REFRESH_AHEAD} before they
 * expire, so every sandbox of a role shares one AssumeRole call instead of making its own.
 */
public final class RoleCredentialCache implements AutoCloseable {
    static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);

    private final RoleCredentialSources sources;
    private final StsAssumer sts;
    private final Clock clock;
    private final Map<String, RoleCredentials> cached = new ConcurrentHashMap<>();

    public RoleCredentialCache(RoleCredentialSources sources, StsAssumer sts, Clock clock) {
        this.sources = sources;
        this.sts = sts;
        this.clock = clock;
    }

    public boolean hasSource(String roleArn) {
        return sources.forRole(roleArn).isPresent();
    }

    /** @throws CredentialsUnavailableException when the role has no source, or its source failed */
    public RoleCredentials credentials(String roleArn) {
        CredentialSource source = sources.forRole(roleArn).orElseThrow(() -> new CredentialsUnavailableException(
                "no credential source is configured for role " + roleArn
                        + " (expected: an entry for it in the server's --role-credentials file)", null));
        return switch (source) {
            case CredentialSource.StaticKeys keys -> keys.credentials();
            case CredentialSource.AssumeRole assume -> {
                RoleCredentials current = cached.get(roleArn);
                if (current != null && fresh(current.expiration())) {
                    yield current;
                }
                synchronized (this) {
                    current = cached.get(roleArn);
                    if (current == null || !fresh(current.expiration())) {
                        current = sts.assume(roleArn, assume);
                        cached.put(roleArn, current);
                    }
                    yield current;
                }
            }
        };
    }

    private boolean fresh(Optional<Instant> expiration) {
        return expiration.map(e -> clock.instant().plus(REFRESH_AHEAD).isBefore(e)).orElse(true);
    }

    @Override
    public void close() {
        sts.close();
    }
}
