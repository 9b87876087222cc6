package io.hearth.session;

import io.hearth.launcher.WarmSandboxes;
import io.hearth.launcher.WarmSandbox;
import io.hearth.launcher.SandboxLauncher;
import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.DeploymentListener;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxExit;
import io.hearth.sandbox.SandboxIds;
import io.hearth.launcher.AgentProbe;
import io.hearth.launcher.LogTail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session directory: runtime + endpoint + session id → one live sandbox. It starts sandboxes (once per
 * session, however many first requests race), waits for readiness, polls {@code /ping}, and ends sessions on
 * idle timeout, max lifetime, stop, agent exit or ill health. It does not know how a sandbox is built.
 */
public final class SessionManager implements DeploymentListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

    private final SandboxLauncher launcher;
    private final WarmSandboxes warmSandboxes;
    private final AgentProbe probe;
    private final SessionSettings settings;
    private final ConcurrentHashMap<SessionKey, Session> live = new ConcurrentHashMap<>();
    private final ArrayDeque<SessionInfo> ended = new ArrayDeque<>();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService ticker;

    /**
     * @param launcher      starts sandboxes and waits for their agents
     * @param warmSandboxes asked for a ready sandbox before each cold start, and told of every new session
     */
    public SessionManager(SandboxLauncher launcher, WarmSandboxes warmSandboxes, SessionSettings settings) {
        this.launcher = requireNonNull(launcher, "launcher");
        this.warmSandboxes = requireNonNull(warmSandboxes, "warmSandboxes");
        this.probe = launcher.probe();
        this.settings = requireNonNull(settings, "settings");
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("hearth-session-ticker").factory());
        long period = settings.pingInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens an exchange on the session, starting its sandbox if it has none and waiting until the agent is ready.
     *
     * @throws ApiException.RuntimeClient when the agent cannot be started or does not become ready in time
     */
    public Exchange open(Deployment deployment, String sessionId) {
        var key = new SessionKey(deployment.runtimeId(), deployment.endpointName(), sessionId);
        while (true) {
            var fresh = new NewSession[1];
            Session session = live.computeIfAbsent(key, k -> (fresh[0] = newSession(k, deployment)).session());
            if (fresh[0] != null && session == fresh[0].session()) {
                provision(fresh[0]);
            }
            Optional<Exchange> exchange = session.enter(settings.readinessTimeout().plusSeconds(5), Instant.now());
            if (exchange.isPresent()) {
                return exchange.get();
            }
            // It ended between lookup and entry: the id now names a fresh session.
            live.remove(key, session);
        }
    }

    /**
     * Opens an exchange on a session whose agent is ready already, or returns empty at once: the hot path of a warm
     * session, which must not block (it runs on the network thread that read the request).
     */
    public Optional<Exchange> tryOpen(Deployment deployment, String sessionId) {
        Session session = live.get(new SessionKey(deployment.runtimeId(), deployment.endpointName(), sessionId));
        if (session == null || !session.ready.isDone() || session.ready.isCompletedExceptionally()) {
            return Optional.empty();
        }
        return session.enter(Duration.ZERO, Instant.now());
    }

    /** Ends the session at once; returns false when no live session has that key. Returns after the sandbox is gone. */
    public boolean stop(SessionKey key) {
        Session session = live.get(key);
        if (session == null) {
            return false;
        }
        end(session, EndReason.STOPPED, "stopped by StopRuntimeSession");
        return true;
    }

    public List<SessionInfo> live() {
        return live.values().stream()
                .map(Session::info)
                .sorted(Comparator.comparing(SessionInfo::createdAt))
                .toList();
    }

    /** Live sessions first, then the most recently ended. */
    public List<SessionInfo> all() {
        var all = new ArrayList<>(live());
        synchronized (ended) {
            all.addAll(ended.reversed());
        }
        return all;
    }

    public Optional<SessionInfo> find(Predicate<SessionInfo> filter) {
        return all().stream().filter(filter).findFirst();
    }

    @Override
    public void runtimeDeleted(String runtimeId) {
        endWhere(s -> s.key.runtimeId().equals(runtimeId), EndReason.RUNTIME_DELETED, "the agent runtime was deleted");
    }

    @Override
    public void endpointDeleted(String runtimeId, String endpointName) {
        endWhere(s -> s.key.runtimeId().equals(runtimeId) && s.key.endpointName().equals(endpointName),
                EndReason.RUNTIME_DELETED, "the endpoint " + endpointName + " was deleted");
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        endWhere(s -> true, EndReason.SHUTDOWN, "the server is shutting down");
        workers.close();
    }

    /** A session just created, with the warm sandbox it claimed, if any. */
    private record NewSession(Session session, Optional<WarmSandbox> warm) {}

    /** Runs inside the directory's atomic insert, so it only does what cannot block: a claim is a queue poll. */
    private NewSession newSession(SessionKey key, Deployment d) {
        Optional<WarmSandbox> warm = warmSandboxes.claim(d);
        warmSandboxes.arrived(d);
        if (warm.isPresent()) {
            WarmSandbox w = warm.get();
            return new NewSession(new Session(key, d, w.sandbox().id(), w.driver(), w.logFile(), Instant.now()), warm);
        }
        String sandboxId = SandboxIds.next();
        return new NewSession(new Session(key, d, sandboxId, launcher.driverName(d), launcher.logFile(d, sandboxId),
                Instant.now()), Optional.empty());
    }

    /** Runs on the first caller's thread: that caller waits for readiness anyway. */
    private void provision(NewSession fresh) {
        Session session = fresh.session();
        Deployment d = session.deployment;
        if (fresh.warm().isPresent()) {
            Sandbox sandbox = fresh.warm().get().sandbox();
            session.attach(sandbox);
            sandbox.exit().thenAccept(exit -> workers.submit(() -> sandboxEnded(session, exit)));
            session.markReady(Instant.now());
            session.ready.complete(sandbox);
            LOG.info("session {} of {} ({}) claimed warm sandbox {}", session.key.sessionId(), d.runtimeId(),
                    d.endpointName(), session.sandboxId);
            return;
        }
        Instant startedAt = Instant.now();
        Sandbox sandbox;
        try {
            sandbox = launcher.start(d, session.sandboxId);
        } catch (SandboxLauncher.LaunchException | ApiException e) {
            failStart(session, e.getMessage());
            return;
        }
        session.attach(sandbox);
        sandbox.exit().thenAccept(exit -> workers.submit(() -> sandboxEnded(session, exit)));
        if (session.ended()) {
            workers.submit(sandbox::stop);
            return;
        }
        try {
            launcher.awaitReady(d, sandbox, startedAt, session::ended);
        } catch (SandboxLauncher.LaunchException e) {
            if (!session.ended()) {
                failStart(session, e.getMessage());
            }
            return;
        }
        session.markReady(Instant.now());
        session.ready.complete(sandbox);
        LOG.info("session {} of {} ({}) ready in sandbox {} after {} ms", session.key.sessionId(), d.runtimeId(),
                d.endpointName(), session.sandboxId, Duration.between(session.createdAt, Instant.now()).toMillis());
    }

    private void failStart(Session session, String message) {
        LOG.warn("session {} of {} failed to start: {}", session.key.sessionId(), session.key.runtimeId(), message);
        session.ready.completeExceptionally(ApiException.runtimeClient(
                "Runtime initialization failed for session " + session.key.sessionId() + ": " + message));
        end(session, EndReason.START_FAILED, message);
    }

    private void sandboxEnded(Session session, SandboxExit exit) {
        if (!session.ready.isDone() && !(exit instanceof SandboxExit.Stopped)) {
            failStart(session, "the agent ended during start-up (" + exit.detail() + ")" + LogTail.of(session.logFile));
            return;
        }
        EndReason reason = switch (exit) {
            case SandboxExit.OutOfMemory oom -> EndReason.OOM;
            case SandboxExit.Stopped stopped -> EndReason.STOPPED;
            case SandboxExit.Exited exited -> EndReason.AGENT_EXITED;
            case SandboxExit.Signalled signalled -> EndReason.AGENT_EXITED;
        };
        end(session, reason, exit.detail());
    }

    private void end(Session session, EndReason reason, String detail) {
        if (!session.end(reason, detail, Instant.now())) {
            return;
        }
        // Into the history before out of the directory: whoever sees it gone from live() finds why in all().
        synchronized (ended) {
            ended.addLast(session.info());
            while (ended.size() > settings.endedHistory()) {
                ended.removeFirst();
            }
        }
        live.remove(session.key, session);
        if (!session.ready.isDone()) {
            session.ready.completeExceptionally(ApiException.runtimeClient(
                    "session " + session.key.sessionId() + " ended before its agent was ready: " + detail));
        }
        for (Exchange exchange : session.openExchanges()) {
            exchange.abort(reason);
        }
        session.sandbox().ifPresent(sandbox -> {
            try {
                sandbox.stop();
            } catch (RuntimeException e) {
                LOG.error("sandbox {} of session {} did not stop cleanly", session.sandboxId, session.key.sessionId(), e);
            }
        });
        if (reason != EndReason.START_FAILED) {
            LOG.info("session {} of {} ended: {} ({})", session.key.sessionId(), session.key.runtimeId(), reason.wireName(), detail);
        }
    }

    private void endWhere(Predicate<Session> which, EndReason reason, String detail) {
        var ending = live.values().stream().filter(which).toList();
        var done = ending.stream().map(s -> workers.submit(() -> end(s, reason, detail))).toList();
        for (var future : done) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.error("ending a session failed", e.getCause());
            }
        }
    }

    private void tick() {
        Instant now = Instant.now();
        for (Session session : live.values()) {
            if (session.ready.isDone() && !session.ready.isCompletedExceptionally()) {
                workers.submit(() -> check(session, now));
            }
        }
    }

    private void check(Session session, Instant now) {
        Deployment d = session.deployment;
        if (Duration.between(session.createdAt, now).compareTo(d.maxLifetime()) >= 0) {
            end(session, EndReason.MAX_LIFETIME, "the session reached its maxLifetime of " + d.maxLifetime().toSeconds() + " s");
            return;
        }
        Optional<Sandbox> sandbox = session.sandbox();
        if (sandbox.isEmpty()) {
            return;
        }
        Duration timeout = settings.pingInterval().compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : settings.pingInterval();
        var reply = probe.ping(sandbox.get().agentAddress(), timeout);
        if (reply.isPresent()) {
            session.pinged(reply.get().busy(), reply.get().timeOfLastUpdate());
        } else if (sandbox.get().isAlive() && session.pingFailed() >= settings.unhealthyAfter()) {
            end(session, EndReason.UNHEALTHY, "the agent failed " + settings.unhealthyAfter() + " pings in a row");
            return;
        }
        Duration idle = session.idleFor(Instant.now());
        if (idle.compareTo(d.idleTimeout()) >= 0) {
            end(session, EndReason.IDLE_TIMEOUT, "the session was idle for its idleRuntimeSessionTimeout of "
                    + d.idleTimeout().toSeconds() + " s");
        }
    }
}
