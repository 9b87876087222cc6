package io.hearth.session;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployment;
import io.hearth.launcher.LogTail;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.launcher.WarmSandbox;
import io.hearth.launcher.WarmSandboxes;
import io.hearth.quota.Lease;
import io.hearth.quota.QuotaRefusal;
import io.hearth.quota.Quotas;
import io.hearth.sandbox.HibernationImage;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxIds;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a new session its sandbox: a warm one claimed from a pool, or a cold start, then waits until the agent
 * answers {@code /ping}. Every way out of {@link #provision} either makes the session ready or ends it and stops
 * whatever it started; {@link #awaitIdle} lets shutdown wait for starts still under way.
 */
final class SessionProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(SessionProvisioner.class);

    private final SandboxLauncher launcher;
    private final WarmSandboxes warmSandboxes;
    private final SessionEnder ender;
    private final Quotas quotas;
    private int underWay;
    /** Session storage and hibernated sessions, when the server keeps them (it does unless embedded without a data dir). */
    private Optional<SessionStorages> storages = Optional.empty();
    private Optional<HibernatedSessions> hibernated = Optional.empty();

    private Optional<SnapshotTemplates> templates = Optional.empty();
    /** The budget of a session's principal, by its owner key; read as each session is made. */
    volatile java.util.function.Function<String, Optional<io.hearth.deployment.SessionBudgets.PrincipalLimits>> principalBudgets =
            owner -> Optional.empty();

    void persistence(SessionStorages storages, HibernatedSessions hibernated, Optional<SnapshotTemplates> templates) {
        this.storages = Optional.of(storages);
        this.hibernated = Optional.of(hibernated);
        this.templates = templates;
    }

    SessionProvisioner(SandboxLauncher launcher, WarmSandboxes warmSandboxes, SessionEnder ender, Quotas quotas) {
        this.quotas = requireNonNull(quotas, "quotas");
        this.launcher = requireNonNull(launcher, "launcher");
        this.warmSandboxes = requireNonNull(warmSandboxes, "warmSandboxes");
        this.ender = requireNonNull(ender, "ender");
    }

    /**
     * A session not yet in the directory, named for a cold start (a warm claim renames it).
     *
     * @throws SessionException.StartFailed when no sandbox driver serves the deployment
     */
    Session newSession(SessionKey key, Deployment d) {
        String sandboxId = SandboxIds.next();
        try {
            return new Session(key, d, sandboxId, launcher.driverName(d), launcher.logFile(d, sandboxId), Instant.now(),
                    principalBudgets.apply(key.owner()));
        } catch (SandboxLauncher.LaunchException e) {
            throw new SessionException.StartFailed(key.sessionId(), e.getMessage(), e);
        }
    }

    /** Runs on the thread that inserted the session: that caller waits for readiness anyway. */
    void provision(Session session) {
        synchronized (this) {
            underWay++;
        }
        Deployment d = session.deployment;
        Sandbox started = null;
        boolean attached = false;
        boolean ready = false;
        String failure = "the start ended unexpectedly";
        Lease coldStart = Lease.NONE;
        Optional<HibernatedSession> resumes = session.resumes();
        Optional<HibernationImage> template = Optional.empty();
        try {
            var storage = storages.flatMap(st -> st.mountFor(session.key, d));
            // A resumed session needs its own image, and one with storage its own files: no warm sandbox has either.
            Optional<WarmSandbox> warm = resumes.isPresent() || storage.isPresent() ? Optional.empty() : claimWarm(d);
            Instant startedAt = Instant.now();
            if (warm.isPresent()) {
                WarmSandbox w = warm.get();
                session.placeIn(w.sandbox().id(), w.driver(), w.logFile());
                started = w.sandbox();
            } else if (!session.ended()) {
                // A full node refuses at once rather than after a wait for a cold-start turn.
                quotas.checkSandboxRoom(d);
                coldStart = quotas.admitColdStart();
                if (resumes.isEmpty() && storage.isEmpty()) {
                    template = templates.flatMap(t -> t.forStart(d));
                }
                Optional<HibernationImage> from = resumes.isPresent() ? resumes.map(HibernatedSession::image) : template;
                started = launcher.start(d, session.sandboxId(), from, storage);
            }
            if (started == null || !(attached = session.attach(started))) {
                return; // ended before or while its sandbox started: the finally stops what there is
            }
            watchExit(session, started);
            if (warm.isEmpty()) {
                launcher.awaitReady(d, started, startedAt, session::ended);
            }
            ready = session.becomeReady(Instant.now());
            if (ready) {
                // Resumed: the image has served; the session is awake and will save a new one if it sleeps again.
                resumes.ifPresent(r -> hibernated.ifPresent(h -> h.remove(r.key())));
                if (warm.isEmpty() && resumes.isEmpty() && template.isEmpty()) {
                    templates.ifPresent(t -> t.afterColdStart(d));
                }
                LOG.info("session {} of {} ({}) ready in {} sandbox {} after {} ms", session.sessionId(), d.runtimeId(),
                        d.endpointName(), warm.isPresent() ? "warm" : resumes.isPresent() ? "resumed "
                                + resumes.get().image().kind().wireName() : template.isPresent() ? "template" : "cold",
                        started.id(),
                        Duration.between(session.createdAt, Instant.now()).toMillis());
            }
        } catch (SandboxLauncher.LaunchException e) {
            failure = e.getMessage();
        } catch (QuotaRefusal e) {
            // The waiters get the refusal itself (402 or 429), not a start failure.
            failure = "refused: " + e.getMessage();
            session.ready.completeExceptionally(e);
        } catch (java.io.UncheckedIOException e) {
            failure = "its session storage could not be prepared: " + e.getMessage();
        } catch (RuntimeException e) {
            // A driver or pool bug: the caller still gets a start failure, and nothing is left running.
            failure = "unexpected failure: " + e;
            LOG.error("session {} of {}: provisioning failed unexpectedly", session.sessionId(), d.runtimeId(), e);
        } catch (Error e) {
            failure = "unexpected failure: " + e;
            throw e;
        } finally {
            coldStart.close();
            if (!ready) {
                String why = failure;
                template.ifPresent(t -> templates.ifPresent(all -> all.failed(t, why)));
                if (resumes.isPresent()) {
                    // A resume that fails once fails again: the image goes, and the next call starts afresh.
                    failure = "it could not be resumed from hibernation (" + resumes.get().image().kind().wireName()
                            + " image of " + resumes.get().hibernatedAt() + "; deleted, the next call starts the session"
                            + " afresh): " + failure;
                    hibernated.ifPresent(h -> h.remove(resumes.get().key()));
                }
                // A no-op when something else ended it first; either way the waiters are released.
                ender.end(session, EndReason.START_FAILED, failure);
                if (started != null && !attached) {
                    stopQuietly(session, started);
                }
            }
            synchronized (this) {
                underWay--;
                notifyAll();
            }
        }
    }

    /** Waits until no start is under way, at most until the deadline; returns how many still are. */
    synchronized int awaitIdle(Instant deadline) {
        while (underWay > 0) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                break;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return underWay;
    }

    private Optional<WarmSandbox> claimWarm(Deployment d) {
        try {
            return warmSandboxes.claim(d);
        } finally {
            warmSandboxes.arrived(d);
        }
    }

    /** The exit notification comes on a driver thread: the end itself runs on the ender's workers. */
    private void watchExit(Session session, Sandbox sandbox) {
        sandbox.exit().whenComplete((exit, failure) -> {
            if (session.hibernating()) {
                return; // saved, not dead: the hibernation ends the session as asleep, or says why it could not
            }
            if (exit == null) {
                ender.endLater(session, EndReason.AGENT_EXITED, "the sandbox ended: " + failure);
            } else if (!session.isReady() && !session.ended()) {
                ender.endLater(session, EndReason.START_FAILED, "the agent ended during start-up (" + exit.detail() + ")"
                        + LogTail.of(session.logFile()));
            } else {
                ender.endLater(session, SessionEnder.reasonFor(exit), exit.detail());
            }
        });
    }

    private static void stopQuietly(Session session, Sandbox sandbox) {
        try {
            sandbox.stop();
        } catch (RuntimeException e) {
            LOG.error("sandbox {} of session {} did not stop cleanly", sandbox.id(), session.sessionId(), e);
        }
    }
}
