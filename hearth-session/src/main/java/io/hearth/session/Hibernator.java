package io.hearth.session;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Workers;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.Deployments;
import io.hearth.sandbox.HibernationImage;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts sessions to sleep and deletes those asleep too long. A hibernation saves the sandbox (memory and files, or files
 * alone, as its driver can), records it, and only then takes the session out of the directory, so a request that
 * waited for it finds the record and resumes. Whatever goes wrong ends the session as it would have ended without
 * hibernation, with the reason in its detail.
 */
final class Hibernator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hibernator.class);

    private final HibernatedSessions store;
    private final SessionEnder ender;
    private final EndedSessions history;
    private final HibernationPolicy settings;
    private final Workers workers = Workers.bounded("hearth-session-hibernate", 8, 100_000);

    /** Closes Hearth's connections to an agent and waits for their ends in the sandbox: a checkpoint cannot save them. */
    private final java.util.function.Consumer<java.net.InetSocketAddress> quiesce;

    Hibernator(HibernatedSessions store, SessionEnder ender, EndedSessions history, HibernationPolicy settings,
            java.util.function.Consumer<java.net.InetSocketAddress> quiesce) {
        this.quiesce = requireNonNull(quiesce, "quiesce");
        this.store = requireNonNull(store, "store");
        this.ender = requireNonNull(ender, "ender");
        this.history = requireNonNull(history, "history");
        this.settings = requireNonNull(settings, "settings");
    }

    /** Why a session cannot hibernate now: its tenant's quota, or it is not quiet. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** The session took a request or turned busy since it was found idle: it stays awake. */
    static final class NotQuiet extends RuntimeException {
        NotQuiet(String message) {
            super(message);
        }
    }

    /**
     * From the ticker, at the idle timeout: hibernates on a worker, or ends the session idle if it cannot; a session
     * that woke meanwhile is left alone (the ticker looks again).
     */
    void hibernateLater(Session session, String idleDetail) {
        Runnable task = () -> {
            try {
                hibernate(session);
            } catch (NotQuiet e) {
                // awake again
            } catch (Refused | SessionException e) {
                ender.end(session, EndReason.IDLE_TIMEOUT, idleDetail + "; it could not hibernate: " + e.getMessage());
            }
        };
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            ender.endLater(session, EndReason.IDLE_TIMEOUT, idleDetail + "; it could not hibernate: too many at once");
        }
    }

    /**
     * Saves the session's sandbox and puts it to sleep.
     *
     * @throws Refused when its tenant's hibernation quota is full (nothing changed)
     * @throws NotQuiet when it is not ready, has a request in flight or its agent is busy (nothing changed)
     * @throws SessionException.Ended when saving failed: the session has ended, with that reason
     */
    HibernatedSession hibernate(Session session) {
        Deployment d = session.deployment;
        String tenant = Deployments.ownerOf(d);
        checkQuota(tenant);
        if (!session.beginHibernation()) {
            throw new NotQuiet("session " + session.sessionId() + " is not ready and quiet (expected: no request in"
                    + " flight and its agent not busy)");
        }
        Instant started = Instant.now();
        Sandbox sandbox = session.sandbox().orElseThrow();
        try {
            quiesce.accept(sandbox.agentAddress());
            HibernationImage image = sandbox.hibernate(store.imageDir(session.key));
            Instant now = Instant.now();
            var asleep = new HibernatedSession(session.key, d.version(), tenant, session.info().driver(), image,
                    session.firstCreatedAt(), now, session.liveTime(now), expiry(d, session.firstCreatedAt(), now));
            store.add(asleep);
            ender.end(session, EndReason.HIBERNATED, image.kind().wireName() + " kept, " + image.bytes()
                    + " bytes, in " + Duration.between(started, now).toMillis() + " ms");
            return asleep;
        } catch (RuntimeException e) {
            // Saving failed, or a bug: either way the session must not stay half asleep, taking no request.
            if (!(e instanceof SandboxException || e instanceof java.io.UncheckedIOException)) {
                LOG.error("session {}: hibernation failed unexpectedly", session.sessionId(), e);
            }
            store.discard(session.key);
            String detail = "hibernation failed: " + e.getMessage();
            ender.end(session, EndReason.STOPPED, detail);
            throw new SessionException.Ended(session.sessionId(), EndReason.STOPPED, detail);
        } finally {
            session.asleep.complete(null);
        }
    }

    /** Deletes hibernated sessions past their expiry; each is recorded as ended, saying why. */
    void sweep(Instant now) {
        for (HibernatedSession asleep : store.all()) {
            if (!now.isBefore(asleep.expiresAt())) {
                expire(asleep, "deleted after its hibernation retention or age ceiling (" + asleep.expiresAt() + ")");
            }
        }
    }

    /** Deletes one hibernated session, recording why; false when it was not asleep. */
    boolean expire(HibernatedSession asleep, String detail) {
        if (!store.remove(asleep.key())) {
            return false;
        }
        LOG.info("hibernated session {} of {} deleted: {}", asleep.key().sessionId(), asleep.key().runtimeId(), detail);
        history.add(ended(asleep, EndReason.HIBERNATION_EXPIRED, detail, Instant.now()));
        return true;
    }

    @Override
    public void close() {
        workers.close(Duration.ofSeconds(5));
    }

    private void checkQuota(String tenant) {
        long count = 0;
        long bytes = 0;
        for (HibernatedSession asleep : store.all()) {
            if (asleep.tenant().equals(tenant)) {
                count++;
                bytes += asleep.image().bytes();
            }
        }
        if (count >= settings.maxHibernatedPerTenant()) {
            throw new Refused("tenant " + tenant + " holds " + count + " hibernated sessions (limit "
                    + settings.maxHibernatedPerTenant() + ")");
        }
        if (bytes >= settings.maxHibernatedBytesPerTenant()) {
            throw new Refused("tenant " + tenant + " holds " + bytes + " bytes of hibernated sessions (limit "
                    + settings.maxHibernatedBytesPerTenant() + ")");
        }
    }

    private Instant expiry(Deployment d, Instant createdAt, Instant now) {
        Duration retention = d.settings().hibernationRetentionSeconds().isPresent()
                ? Duration.ofSeconds(d.settings().hibernationRetentionSeconds().getAsLong()) : settings.retention();
        Duration maxAge = d.settings().sessionMaxAgeSeconds().isPresent()
                ? Duration.ofSeconds(d.settings().sessionMaxAgeSeconds().getAsLong()) : settings.maxAge();
        Instant retained = now.plus(retention);
        Instant ceiling = createdAt.plus(maxAge);
        return retained.isBefore(ceiling) ? retained : ceiling;
    }

    /** A hibernated session as the sessions API lists it. */
    static SessionInfo info(HibernatedSession asleep) {
        return ended(asleep, null, null, null);
    }

    private static SessionInfo ended(HibernatedSession s, EndReason reason, String detail, Instant endedAt) {
        return new SessionInfo(s.key().runtimeId(), s.key().endpointName(), s.version(), s.key().sessionId(), "",
                s.driver(), reason == null ? SessionState.HIBERNATED : SessionState.TERMINATED, s.createdAt(),
                Optional.empty(), s.hibernatedAt(), 0, Optional.empty(), Optional.ofNullable(endedAt),
                Optional.ofNullable(reason).map(EndReason::wireName), Optional.ofNullable(detail), "", Optional.empty(),
                s.tenant(), s.key().owner(), Duration.ZERO, Duration.ZERO);
    }
}
