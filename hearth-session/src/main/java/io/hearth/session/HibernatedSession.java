package io.hearth.session;

import static java.util.Objects.requireNonNull;

import io.hearth.sandbox.HibernationImage;
import java.time.Duration;
import java.time.Instant;

/**
 * A session asleep: its sandbox saved to disk, no compute held; its next call resumes it.
 *
 * @param key          the session it is
 * @param version      the runtime version it ran; another version's deployment starts the session afresh
 * @param tenant       the account that owns its runtime, which its hibernation quota counts against
 * @param driver       the isolation it ran under
 * @param image        what was kept, and where
 * @param createdAt    when the session first started (its age runs from here, across hibernations)
 * @param hibernatedAt when it went to sleep
 * @param liveTime     the compute time it has used, which {@code maxLifetime} bounds
 * @param expiresAt    when it is deleted unless resumed first: its retention, or its age ceiling if sooner
 */
public record HibernatedSession(SessionKey key, String version, String tenant, String driver, HibernationImage image,
        Instant createdAt, Instant hibernatedAt, Duration liveTime, Instant expiresAt) {
    public HibernatedSession {
        requireNonNull(key, "key");
        requireNonNull(version, "version");
        requireNonNull(tenant, "tenant");
        requireNonNull(driver, "driver");
        requireNonNull(image, "image");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(hibernatedAt, "hibernatedAt");
        requireNonNull(liveTime, "liveTime");
        requireNonNull(expiresAt, "expiresAt");
    }
}
