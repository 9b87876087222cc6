package io.hearth.session;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Workers;
import io.hearth.launcher.AgentProbe;
import io.hearth.sandbox.Sandbox;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches live sessions on a ticker: ends them at their max lifetime or idle timeout, when their sandbox died,
 * or when their agent failed too many {@code /ping}s in a row. At most one ping per session is in flight: a tick
 * skips a session whose last ping has not come back, so an agent that hangs costs one connection, not a pile.
 */
final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final SessionDirectory directory;
    private final SessionEnder ender;
    private final AgentProbe probe;
    private final SessionSettings settings;
    private final ScheduledExecutorService ticker;
    private final Workers pings = Workers.bounded("hearth-session-ping", 64, 10_000);

    /** Whether an idle session hibernates rather than ends, and what hibernates it (off the ticker). */
    private final java.util.function.Predicate<Session> idleHibernates;
    private final java.util.function.BiConsumer<Session, String> idleHibernation;
    /** Runs on every tick after the sessions are checked (expiries of what outlives sessions). */
    private final java.util.function.Consumer<Instant> afterTick;

    HealthMonitor(SessionDirectory directory, SessionEnder ender, AgentProbe probe, SessionSettings settings) {
        this(directory, ender, probe, settings, s -> false, (s, detail) -> {}, now -> {});
    }

    HealthMonitor(SessionDirectory directory, SessionEnder ender, AgentProbe probe, SessionSettings settings,
            java.util.function.Predicate<Session> idleHibernates,
            java.util.function.BiConsumer<Session, String> idleHibernation, java.util.function.Consumer<Instant> afterTick) {
        this.idleHibernates = requireNonNull(idleHibernates, "idleHibernates");
        this.idleHibernation = requireNonNull(idleHibernation, "idleHibernation");
        this.afterTick = requireNonNull(afterTick, "afterTick");
        this.directory = requireNonNull(directory, "directory");
        this.ender = requireNonNull(ender, "ender");
        this.probe = requireNonNull(probe, "probe");
        this.settings = requireNonNull(settings, "settings");
        // The ticker only decides and hands out work, so one platform thread keeps the cadence.
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("hearth-session-ticker").factory());
        long period = settings.pingInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            Instant now = Instant.now();
            for (Session session : directory.sessions()) {
                check(session, now);
            }
            afterTick.accept(now);
        } catch (RuntimeException e) {
            LOG.error("a health tick failed", e); // never let one bad tick cancel the schedule
        }
    }

    private void check(Session session, Instant now) {
        if (session.hibernating()) {
            return; // its sandbox is being saved; the hibernation ends it either way
        }
        if (session.sandboxDied()) {
            // Its process has exited, so it takes no request. Once the sandbox reported why, the exit notification
            // is late or was lost: end it here. Until then its teardown runs, and the notification says why.
            session.sandbox().flatMap(s -> DeadSandbox.reported(s, Duration.ZERO)).ifPresent(exit ->
                    ender.endLater(session, SessionEnder.reasonFor(exit), exit.detail()));
            return;
        }
        if (!session.isReady()) {
            return;
        }
        var d = session.deployment;
        // Compute time: a session that hibernated counts the lives of its earlier sandboxes too.
        if (session.liveTime(now).compareTo(d.maxLifetime()) >= 0) {
            ender.endLater(session, EndReason.MAX_LIFETIME, "the session reached its maxLifetime of " + d.maxLifetime().toSeconds() + " s");
            return;
        }
        Optional<String> overBudget = session.budget.check(Duration.between(session.createdAt, now), session.sandbox());
        if (overBudget.isPresent()) {
            ender.endLater(session, EndReason.BUDGET, overBudget.get());
            return;
        }
        if (session.idleFor(now).compareTo(d.idleTimeout()) >= 0) {
            String detail = "the session was idle for its idleRuntimeSessionTimeout of " + d.idleTimeout().toSeconds() + " s";
            if (idleHibernates.test(session)) {
                idleHibernation.accept(session, detail);
            } else {
                ender.endLater(session, EndReason.IDLE_TIMEOUT, detail);
            }
            return;
        }
        if (!session.startPing()) {
            return; // the last ping is still out; its timeout decides
        }
        try {
            pings.execute(() -> ping(session));
        } catch (RejectedExecutionException e) {
            session.pingDone(); // too much queued already: this session waits for the next tick
        }
    }

    private void ping(Session session) {
        try {
            Optional<Sandbox> sandbox = session.sandbox();
            if (sandbox.isEmpty() || session.ended() || session.hibernating()) {
                return; // a sandbox being saved must not get a new connection
            }
            var reply = probe.ping(sandbox.get().agentAddress(), settings.pingTimeout(), session.deployment.serverProtocol());
            if (reply.isPresent()) {
                session.pinged(reply.get().busy(), reply.get().timeOfLastUpdate());
            } else if (sandbox.get().isAlive() && session.pingFailed() >= settings.unhealthyAfter()) {
                ender.end(session, EndReason.UNHEALTHY, "the agent failed " + settings.unhealthyAfter()
                        + " pings in a row (each waited at most " + settings.pingTimeout().toMillis() + " ms)");
            }
        } finally {
            session.pingDone();
        }
    }

    /** Stops the ticker; pings in flight get {@code grace} to come back. */
    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }

    void close(Duration grace) {
        ticker.shutdownNow();
        pings.close(grace);
    }
}
