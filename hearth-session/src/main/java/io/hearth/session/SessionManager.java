package io.hearth.session;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployment;
import io.hearth.deployment.DeploymentListener;
import io.hearth.launcher.AgentProbe;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.launcher.WarmSandboxes;
import io.hearth.quota.Caller;
import io.hearth.quota.Lease;
import io.hearth.quota.QuotaRefusal;
import io.hearth.quota.Quotas;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxExit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions as the router and the server see them: runtime + endpoint + session id → one live sandbox. The work is
 * done by named pieces: the {@link SessionDirectory} (one live session per key), the {@link SessionProvisioner}
 * (warm claim or cold start, then readiness), the {@link HealthMonitor} (pings, idle timeout, max lifetime), the
 * {@link SessionEnder} (every way a session ends) and the {@link EndedSessions} history. It does not know how a
 * sandbox is built.
 */
public final class SessionManager implements DeploymentListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
    /** How often {@link #open} retries when the session it found ended before the request could enter. */
    private static final int MAX_ATTEMPTS = 3;
    /** How long a ping, then the exit notification, may take when a request could not reach the agent. */
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(1);

    private final SessionSettings settings;
    private final SessionDirectory directory = new SessionDirectory();
    private final EndedSessions history;
    private final SessionEnder ender;
    private final SessionProvisioner provisioner;
    private final HealthMonitor health;
    private final AgentProbe probe;
    private final Quotas quotas;
    private final SandboxLauncher launcher;
    private final Optional<HibernatedSessions> hibernated;
    private final Optional<SessionStorages> storages;
    private final Optional<Hibernator> hibernator;
    private final Optional<SnapshotTemplates> templates;
    /** How long an explicit hibernation waits for a session's requests to finish and its agent to turn idle. */
    private static final Duration QUIET_WAIT = Duration.ofSeconds(5);
    /** How long a hibernation waits for the agent's connections to close before it saves the sandbox anyway. */
    static final Duration QUIESCE_WAIT = Duration.ofSeconds(2);
    /** How often unused session storage is looked for (more often when it expires sooner). */
    private static final Duration STORAGE_SWEEP = Duration.ofMinutes(5);
    private volatile boolean closing;

    /**
     * @param launcher      starts sandboxes and waits for their agents
     * @param warmSandboxes asked for a ready sandbox before each cold start, and told of every new session
     */
    public SessionManager(SandboxLauncher launcher, WarmSandboxes warmSandboxes, SessionSettings settings) {
        this(launcher, warmSandboxes, settings, Quotas.unlimited());
    }

    /**
     * @param quotas asked before each new session (its endpoint's rate, its tenant's active sessions) and before
     *               each cold start (a turn, room on the node)
     */
    public SessionManager(SandboxLauncher launcher, WarmSandboxes warmSandboxes, SessionSettings settings, Quotas quotas) {
        this(launcher, warmSandboxes, settings, quotas, Optional.empty());
    }

    /**
     * @param dataDir where hibernated sessions ({@code hibernated/}) and session storage ({@code session-storage/}) live,
     *                under the settings' {@link SessionSettings#hibernation() policy}; without it sessions end at their
     *                idle timeout and session storage is refused
     */
    public SessionManager(SandboxLauncher launcher, WarmSandboxes warmSandboxes, SessionSettings settings, Quotas quotas,
            Optional<java.nio.file.Path> dataDir) {
        this.launcher = requireNonNull(launcher, "launcher");
        this.quotas = requireNonNull(quotas, "quotas");
        this.settings = requireNonNull(settings, "settings");
        this.history = new EndedSessions(settings.endedHistory());
        this.ender = new SessionEnder(directory, history);
        this.provisioner = new SessionProvisioner(launcher, requireNonNull(warmSandboxes, "warmSandboxes"), ender, quotas);
        this.probe = launcher.probe();
        HibernationPolicy policy = settings.hibernation();
        this.hibernated = dataDir.map(dir -> new HibernatedSessions(dir.resolve("hibernated")));
        this.storages = dataDir.map(dir -> new SessionStorages(dir.resolve("session-storage"), policy.storageIdleExpiry(),
                policy.storageBytes()));
        this.hibernator = hibernated.map(store -> new Hibernator(store, ender, history, policy,
                agent -> launcher.quiesce(agent, QUIESCE_WAIT)));
        this.templates = dataDir.filter(dir -> policy.snapshotTemplates())
                .map(dir -> new SnapshotTemplates(launcher, dir.resolve("templates")));
        if (dataDir.isPresent()) {
            provisioner.persistence(storages.orElseThrow(), hibernated.orElseThrow(), templates);
            storages.orElseThrow().sweep(Instant.now());
        }
        this.health = new HealthMonitor(directory, ender, probe, settings, this::hibernatesWhenIdle,
                (session, detail) -> hibernator.ifPresent(h -> h.hibernateLater(session, detail)), this::sweep);
    }

    /**
     * Where new sessions find their principal's budget (docs/budgets.md), by the owner key of their {@link SessionKey};
     * asked once per session, as it is made.
     */
    public void principalBudgets(java.util.function.Function<String, Optional<io.hearth.deployment.SessionBudgets.PrincipalLimits>> byOwner) {
        provisioner.principalBudgets = requireNonNull(byOwner, "byOwner");
    }

    private boolean hibernatesWhenIdle(Session session) {
        return hibernator.isPresent() && session.deployment.settings().hibernates(session.key.endpointName())
                && launcher.hibernation(session.deployment).isPresent();
    }

    private Instant lastStorageSweep = Instant.now();

    private void sweep(Instant now) {
        hibernator.ifPresent(h -> h.sweep(now));
        Duration every = settings.hibernation().storageIdleExpiry().compareTo(STORAGE_SWEEP) < 0
                ? settings.hibernation().storageIdleExpiry() : STORAGE_SWEEP;
        if (storages.isPresent() && Duration.between(lastStorageSweep, now).compareTo(every) >= 0) {
            lastStorageSweep = now;
            storages.get().sweep(now);
        }
    }

    /**
     * Hibernates a live session now, whatever its runtime's tags say: its sandbox is saved and freed, and its next
     * call resumes it.
     *
     * @throws SessionException.Ended when no such session is live (or it ended because saving failed)
     * @throws Hibernation.Refused when it cannot hibernate: busy, its driver cannot, or its tenant's quota is full
     */
    public HibernatedSession hibernate(SessionKey key) {
        Session session = directory.find(key).orElseThrow(() -> new SessionException.Ended(key.sessionId(),
                EndReason.STOPPED, "no live session " + key.sessionId() + " of " + key.runtimeId() + " ("
                        + key.endpointName() + ")"));
        if (hibernator.isEmpty()) {
            throw new HibernationRefused("this server keeps no hibernated sessions (it runs without a data dir)", false);
        }
        if (launcher.hibernation(session.deployment).isEmpty()) {
            throw new HibernationRefused("session " + key.sessionId() + " runs under the "
                    + launcher.driverName(session.deployment) + " driver, which cannot hibernate (expected: namespaces"
                    + " or gvisor)", false);
        }
        // A request whose answer has just been sent may not have left yet: give the session a moment to turn quiet.
        Instant deadline = Instant.now().plus(QUIET_WAIT);
        while (true) {
            try {
                return hibernator.get().hibernate(session);
            } catch (Hibernator.Refused e) {
                throw new HibernationRefused(e.getMessage(), true);
            } catch (Hibernator.NotQuiet e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new HibernationRefused(e.getMessage() + " for " + QUIET_WAIT.toSeconds() + " s", false);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new SessionException.Interrupted(key.sessionId());
                }
            }
        }
    }

    /** Why a hibernation was refused; nothing changed. */
    public static final class HibernationRefused extends RuntimeException {
        private final boolean quotaFull;

        HibernationRefused(String message, boolean quotaFull) {
            super(message);
            this.quotaFull = quotaFull;
        }

        /** True when the session's tenant holds its quota of hibernated sessions or bytes already. */
        public boolean quotaFull() {
            return quotaFull;
        }
    }

    /** Snapshot templates, made, being made or not possible. */
    public List<TemplateInfo> templates() {
        return templates.map(SnapshotTemplates::list).orElse(List.of());
    }

    /** Sessions asleep, oldest first. */
    public List<HibernatedSession> hibernated() {
        return hibernated.map(HibernatedSessions::all).orElse(List.of()).stream()
                .sorted(Comparator.comparing(HibernatedSession::hibernatedAt)).toList();
    }

    /**
     * Opens an exchange on the session, starting its sandbox if it has none and waiting until the agent is ready.
     *
     * @throws SessionException when the agent cannot be started, does not become ready in time, or the session ends
     * @throws QuotaRefusal when a new session would pass a limit: its endpoint's rate of new sessions, its tenant's
     *                      active sessions, the node's cold starts or live sandboxes
     */
    public Exchange open(Deployment deployment, String sessionId) {
        return open(deployment, SessionKey.LOCAL_OWNER, sessionId);
    }

    /**
     * As {@link #open(Deployment, String)}, on the session {@code owner} opened under that id: another owner's
     * session of the same id is never reached.
     */
    public Exchange open(Deployment deployment, String owner, String sessionId) {
        var key = new SessionKey(deployment.runtimeId(), deployment.endpointName(), owner, sessionId);
        Duration wait = settings.readinessTimeout().plusSeconds(5);
        for (int attempt = 1; ; attempt++) {
            Session session = findOrStart(key, deployment);
            session.awaitReady(wait);
            if (session.agentInDoubt()) {
                confirmAgent(session);
            }
            Optional<Exchange> exchange = session.tryEnter(Instant.now()).filter(e -> withinBudget(session, e));
            if (exchange.isPresent()) {
                return exchange.get();
            }
            ender.exhausted.refuse(key);
            if (session.hibernating()) {
                // Going to sleep: once it is asleep (or has ended), the next attempt resumes it or starts afresh.
                awaitAsleep(session, wait);
                attempt--;
                continue;
            }
            // It ended, or its sandbox died, between readiness and entry: the id names a fresh session next time.
            endIfDead(session, false);
            directory.remove(session);
            if (attempt == MAX_ATTEMPTS) {
                throw new SessionException.Ended(sessionId, session.endReason().orElse(EndReason.AGENT_EXITED),
                        "it ended " + MAX_ATTEMPTS + " times while the request waited to enter");
            }
        }
    }

    /**
     * Opens an exchange on a session whose agent is ready already, or returns empty at once: the hot path of a warm
     * session, which must not block (it runs on the network thread that read the request). A session whose agent's
     * process has exited takes no request; the caller's fallback to {@link #open} ends it and starts a fresh one.
     */
    public Optional<Exchange> tryOpen(Deployment deployment, String sessionId) {
        return tryOpen(deployment, SessionKey.LOCAL_OWNER, sessionId);
    }

    /** As {@link #tryOpen(Deployment, String)}, on {@code owner}'s session of that id. */
    public Optional<Exchange> tryOpen(Deployment deployment, String owner, String sessionId) {
        Optional<Session> session = directory.find(new SessionKey(deployment.runtimeId(), deployment.endpointName(),
                owner, sessionId));
        if (session.isEmpty() || closing) {
            return Optional.empty();
        }
        Optional<Exchange> exchange = session.get().tryEnter(Instant.now()).filter(e -> withinBudget(session.get(), e));
        if (exchange.isEmpty()) {
            endIfDead(session.get(), true);
        }
        return exchange;
    }

    /**
     * Counts a request against the session's invocation budget; one past it ends the session as {@code budget}, and
     * the request is refused, naming the budget (docs/budgets.md). Never blocks.
     */
    private boolean withinBudget(Session session, Exchange exchange) {
        Optional<String> over = session.budget.invocation();
        if (over.isEmpty()) {
            return true;
        }
        exchange.close();
        ender.endNowStopLater(session, EndReason.BUDGET, over.get());
        return false;
    }

    /**
     * Counts bytes of an agent's answer on the exchange's way to its caller; past the session's streamed-bytes budget
     * the session ends as {@code budget}, which ends the stream. Never blocks.
     */
    public void streamed(Exchange exchange, long bytes) {
        Session session = exchange.session();
        session.budget.streamed(bytes).ifPresent(detail -> ender.endNowStopLater(session, EndReason.BUDGET, detail));
    }

    /**
     * The exchange's agent could not be connected to (refused, no route): it is gone, whether or not its sandbox has
     * reported the exit yet. Ends the session at once, so its id names a fresh session and the caller may retry on
     * it; the sandbox is stopped on a worker. Never blocks. Does nothing if the session has ended already.
     */
    public void endAgentGone(Exchange exchange, String detail) {
        requireNonNull(detail, "detail");
        exchange.close(); // over, not aborted: it already failed
        Session session = exchange.session();
        Optional<SandboxExit> exit = session.sandbox().flatMap(s -> DeadSandbox.reported(s, Duration.ZERO));
        ender.endNowStopLater(session, exit.map(SessionEnder::reasonFor).orElse(EndReason.AGENT_EXITED),
                exit.map(SandboxExit::detail).orElse(detail));
    }

    /** Ends the session at once; returns false when no live session has that key. Returns after the sandbox is gone. */
    public boolean stop(SessionKey key) {
        return stop(key, "stopped by StopRuntimeSession");
    }

    /**
     * Ends the session at once, saying why (what asked for the stop); a hibernated one is deleted. False when no such
     * session is live or asleep.
     */
    public boolean stop(SessionKey key, String detail) {
        Optional<Session> session = directory.find(key);
        session.ifPresent(s -> {
            if (s.hibernating()) {
                awaitAsleep(s, settings.shutdownGrace());
            }
            ender.end(s, EndReason.STOPPED, detail);
        });
        boolean exhausted = ender.exhausted.forget(key);
        boolean asleep = hibernated.flatMap(h -> h.find(key)).map(h -> hibernator.orElseThrow().expire(h, detail))
                .orElse(false);
        return session.isPresent() || asleep || exhausted;
    }

    public List<SessionInfo> live() {
        return directory.sessions().stream()
                .map(Session::info)
                .sorted(Comparator.comparing(SessionInfo::createdAt))
                .toList();
    }

    /** Live sessions first, then those asleep, then the most recently ended. */
    public List<SessionInfo> all() {
        var all = new ArrayList<>(live());
        hibernated().forEach(h -> all.add(Hibernator.info(h)));
        all.addAll(history.newestFirst());
        return all;
    }

    public Optional<SessionInfo> find(Predicate<SessionInfo> filter) {
        return all().stream().filter(filter).findFirst();
    }

    @Override
    public void runtimeDeleted(String runtimeId) {
        quotas.forgetRuntime(runtimeId);
        endWhere(s -> s.key.runtimeId().equals(runtimeId), EndReason.RUNTIME_DELETED, "the agent runtime was deleted");
        forgetAsleep(h -> h.key().runtimeId().equals(runtimeId), "the agent runtime was deleted");
        storages.ifPresent(st -> st.runtimeDeleted(runtimeId));
        templates.ifPresent(t -> t.runtimeDeleted(runtimeId));
    }

    @Override
    public void endpointDeleted(String runtimeId, String endpointName) {
        endWhere(s -> s.key.runtimeId().equals(runtimeId) && s.key.endpointName().equals(endpointName),
                EndReason.RUNTIME_DELETED, "the endpoint " + endpointName + " was deleted");
        forgetAsleep(h -> h.key().runtimeId().equals(runtimeId) && h.key().endpointName().equals(endpointName),
                "the endpoint " + endpointName + " was deleted");
    }

    private void forgetAsleep(Predicate<HibernatedSession> which, String detail) {
        hibernator.ifPresent(h -> hibernated().stream().filter(which).forEach(asleep -> h.expire(asleep, detail)));
    }

    private static void awaitAsleep(Session session, Duration wait) {
        try {
            session.asleep.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionException.Interrupted(session.sessionId());
        } catch (ExecutionException | TimeoutException e) {
            throw new SessionException.NotReady(session.sessionId(), wait);
        }
    }

    /**
     * Ends every session and stops every sandbox, those still starting included, within the settings' shutdown
     * grace; new requests are refused from the first moment.
     */
    @Override
    public void close() {
        closing = true;
        Instant deadline = Instant.now().plus(settings.shutdownGrace());
        health.close(Duration.ofMillis(100));
        hibernator.ifPresent(Hibernator::close);
        templates.ifPresent(SnapshotTemplates::close);
        int left = endWhere(s -> true, EndReason.SHUTDOWN, "the server is shutting down");
        // A start under way stops its own sandbox once it sees the session ended; wait for those too.
        int starting = provisioner.awaitIdle(deadline);
        // Sessions a racing open() inserted after the sweep above.
        left += ender.endWhere(s -> true, EndReason.SHUTDOWN, "the server is shutting down", remaining(deadline));
        ender.close(remaining(deadline));
        if (left > 0 || starting > 0) {
            LOG.warn("{} sessions were still ending and {} sandboxes still starting after the shutdown grace of {} ms",
                    left, starting, settings.shutdownGrace().toMillis());
        }
    }

    private Session findOrStart(SessionKey key, Deployment deployment) {
        Optional<Session> found = directory.find(key);
        if (found.isPresent()) {
            return found.get();
        }
        refuseIfClosing(key.sessionId());
        ender.exhausted.refuse(key);
        // Sessions opened in-process have no principal: only the tenant's limit holds them.
        Caller caller = key.owner().equals(SessionKey.LOCAL_OWNER) ? Caller.owner(deployment)
                : Caller.of(deployment, key.owner());
        quotas.checkNewSession(caller, deployment);
        Lease active = quotas.admitSession(caller);
        Session made;
        try {
            made = provisioner.newSession(key, deployment);
            resumable(key, deployment).ifPresent(made::resume);
        } catch (RuntimeException e) {
            active.close();
            throw e;
        }
        made.holdQuota(active);
        SessionDirectory.Entry entry = directory.findOrInsert(key, () -> made);
        if (!entry.inserted()) {
            made.releaseQuota();
        }
        if (entry.inserted()) {
            if (closing) {
                // close() may have swept the directory before this insert: end it rather than start a sandbox.
                ender.end(made, EndReason.SHUTDOWN, "the server is shutting down");
            } else {
                provisioner.provision(made);
            }
        }
        return entry.session();
    }

    /** The hibernated session this key continues; one of another runtime version is deleted (the session restarts). */
    private Optional<HibernatedSession> resumable(SessionKey key, Deployment deployment) {
        Optional<HibernatedSession> asleep = hibernated.flatMap(h -> h.find(key));
        if (asleep.isPresent() && !asleep.get().version().equals(deployment.version())) {
            hibernator.orElseThrow().expire(asleep.get(), "hibernated on version " + asleep.get().version()
                    + "; the endpoint now serves version " + deployment.version() + ", so the session starts afresh");
            return Optional.empty();
        }
        return asleep;
    }

    private void refuseIfClosing(String sessionId) {
        if (closing) {
            throw new SessionException.Ended(sessionId, EndReason.SHUTDOWN, "the server is shutting down");
        }
    }

    /**
     * Ends a session whose agent's process exited before the exit notification arrived. Waiting, it gives the sandbox
     * a moment to report why (an out-of-memory kill is known only then); without waiting, it ends the session only
     * once that is known, and otherwise leaves it to {@link #open}, which waits.
     */
    private void endIfDead(Session session, boolean withoutWaiting) {
        Optional<Sandbox> sandbox = session.sandbox();
        if (!session.sandboxDied() || sandbox.isEmpty()) {
            return;
        }
        if (withoutWaiting) {
            if (sandbox.get().exit().isDone()) {
                DeadSandbox dead = DeadSandbox.of(sandbox.get(), Duration.ZERO);
                ender.endNowStopLater(session, dead.reason(), dead.detail());
            }
            return;
        }
        DeadSandbox dead = DeadSandbox.of(sandbox.get(), CONFIRM_TIMEOUT);
        ender.end(session, dead.reason(), dead.detail());
    }

    /**
     * After a request could not reach the agent: a ping that answers clears the doubt; otherwise the sandbox is
     * given a moment to report its exit, and the session ends either way, so the next attempt starts fresh.
     */
    private void confirmAgent(Session session) {
        Optional<Sandbox> sandbox = session.sandbox();
        if (sandbox.isEmpty()) {
            return;
        }
        if (sandbox.get().isAlive() && probe.ping(sandbox.get().agentAddress(), CONFIRM_TIMEOUT,
                session.deployment.serverProtocol()).isPresent()) {
            session.agentConfirmed();
            return;
        }
        try {
            sandbox.get().exit().get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // still running by the driver's account, yet not answering
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionException.Interrupted(session.sessionId());
        }
        if (session.sandboxDied()) {
            endIfDead(session, false);
        } else {
            ender.end(session, EndReason.UNHEALTHY, "the agent answered neither a request nor the ping that followed");
        }
    }

    private int endWhere(Predicate<Session> which, EndReason reason, String detail) {
        return ender.endWhere(which, reason, detail, settings.shutdownGrace());
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
