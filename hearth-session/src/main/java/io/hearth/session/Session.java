package io.hearth.session;

import io.hearth.deployment.Deployment;
import io.hearth.quota.Lease;
import io.hearth.quota.QuotaRefusal;
import io.hearth.sandbox.Sandbox;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One session's mutable state, every changing field guarded by {@code this}. Entering and ending both take the
 * lock, so an exchange either entered before the end (and is aborted by it) or sees the session ended: none is left
 * running on a stopped sandbox. The ready future is what concurrent first requests wait on.
 */
final class Session {
    final SessionKey key;
    final Deployment deployment;
    final Instant createdAt;
    final SessionBudget budget;
    final CompletableFuture<Sandbox> ready = new CompletableFuture<>();
    private final AtomicBoolean pinging = new AtomicBoolean();
    private final AtomicBoolean endQueued = new AtomicBoolean();
    private final Set<Exchange> open = new HashSet<>();

    private String sandboxId;
    private String driver;
    private Path logFile;
    private Sandbox sandbox;
    private InetSocketAddress agent;
    private Instant readyAt;
    private Instant lastActivity;
    private Optional<Instant> agentUpdate = Optional.empty();
    private boolean agentBusy;
    private int failedPings;
    private boolean agentInDoubt;
    private EndReason endReason;
    private String endDetail;
    private Instant endedAt;
    /** The tenant's active-session unit this session holds; given back when it ends. */
    private Lease quotaLease = Lease.NONE;
    /** The hibernated session this one resumes, when it does; set before it is provisioned. */
    private volatile Optional<HibernatedSession> resumes = Optional.empty();
    /** Set while its sandbox is being saved: no request enters, and its sandbox's exit ends nothing. */
    private boolean hibernating;
    /** Completes once a hibernation is over, whether the session is asleep or ended: waiting requests go on then. */
    final CompletableFuture<Void> asleep = new CompletableFuture<>();

    /** The sandbox id, driver and log file are those of a cold start until a warm claim replaces them. */
    Session(SessionKey key, Deployment deployment, String sandboxId, String driver, Path logFile, Instant now) {
        this(key, deployment, sandboxId, driver, logFile, now, Optional.empty());
    }

    /** With the budget of the principal that opens it, which bounds the runtime's or endpoint's. */
    Session(SessionKey key, Deployment deployment, String sandboxId, String driver, Path logFile, Instant now,
            Optional<io.hearth.deployment.SessionBudgets.PrincipalLimits> principalBudget) {
        this.key = key;
        this.deployment = deployment;
        this.sandboxId = sandboxId;
        this.driver = driver;
        this.logFile = logFile;
        this.createdAt = now;
        this.budget = SessionBudget.of(deployment, principalBudget);
        this.lastActivity = now;
    }

    /** Makes this new session the continuation of a hibernated one. */
    void resume(HibernatedSession from) {
        resumes = Optional.of(from);
    }

    Optional<HibernatedSession> resumes() {
        return resumes;
    }

    /** When the session first started: its own start, or the hibernated session's it continues. */
    Instant firstCreatedAt() {
        return resumes.map(HibernatedSession::createdAt).orElse(createdAt);
    }

    /** Compute time used: this sandbox's life so far, and every earlier one's before it hibernated. */
    Duration liveTime(Instant now) {
        return resumes.map(HibernatedSession::liveTime).orElse(Duration.ZERO).plus(Duration.between(createdAt, now));
    }

    /**
     * Starts a hibernation if the session is ready and quiet (no request in flight, agent not busy); from here no request
     * enters until it is over. False when it is not.
     */
    synchronized boolean beginHibernation() {
        if (endReason != null || readyAt == null || sandbox == null || hibernating || !open.isEmpty() || agentBusy) {
            return false;
        }
        hibernating = true;
        return true;
    }

    synchronized boolean hibernating() {
        return hibernating;
    }

    synchronized void holdQuota(Lease lease) {
        quotaLease = lease;
    }

    /** Gives back the session's quota unit; once, however often asked. */
    void releaseQuota() {
        Lease lease;
        synchronized (this) {
            lease = quotaLease;
            quotaLease = Lease.NONE;
        }
        lease.close();
    }

    String sessionId() {
        return key.sessionId();
    }

    synchronized String sandboxId() {
        return sandboxId;
    }

    synchronized Path logFile() {
        return logFile;
    }

    /** Takes over a warm sandbox's identity before it is attached. */
    synchronized void placeIn(String sandboxId, String driver, Path logFile) {
        this.sandboxId = sandboxId;
        this.driver = driver;
        this.logFile = logFile;
        this.pooled = true;
    }

    private boolean pooled;

    /** How this session's sandbox came to be, for the invocation that waited on it (docs/tracing.md). */
    synchronized SessionStart start() {
        return new SessionStart(createdAt, Optional.ofNullable(readyAt), pooled, driver);
    }

    /** False when the session ended first: then the caller still owns the sandbox and must stop it. */
    synchronized boolean attach(Sandbox sandbox) {
        if (endReason != null) {
            return false;
        }
        this.agent = sandbox.agentAddress(); // asked once: a driver that cannot say leaves the sandbox unattached
        this.sandbox = sandbox;
        return true;
    }

    /** The MCP session id the agent issued on this session (a stateful MCP server's), once it has. */
    private volatile String agentMcpSessionId;

    Optional<String> agentMcpSessionId() {
        return Optional.ofNullable(agentMcpSessionId);
    }

    void agentMcpSessionId(String id) {
        agentMcpSessionId = id;
    }

    synchronized Optional<Sandbox> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    /** Marks the attached sandbox ready and releases the waiters; false when the session ended first. */
    boolean becomeReady(Instant now) {
        Sandbox attached;
        synchronized (this) {
            if (endReason != null || sandbox == null) {
                return false;
            }
            readyAt = now;
            lastActivity = now;
            attached = sandbox;
        }
        return ready.complete(attached);
    }

    synchronized boolean isReady() {
        return readyAt != null && endReason == null;
    }

    /**
     * Waits until the agent is ready.
     *
     * @throws SessionException when it failed to start, the session ended, or the wait ran out
     * @throws QuotaRefusal when a node limit refused its cold start
     */
    void awaitReady(Duration wait) {
        try {
            ready.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SessionException failure) {
                throw failure;
            }
            if (e.getCause() instanceof QuotaRefusal refusal) {
                throw refusal;
            }
            throw new SessionException.StartFailed(sessionId(), String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new SessionException.NotReady(sessionId(), wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionException.Interrupted(sessionId());
        }
    }

    /**
     * Counts a request in; empty when the session is not ready, has ended, its sandbox has died (the exit
     * notification may not have arrived yet: a dead sandbox must never take another request), or its agent is in
     * doubt until someone confirms it.
     */
    synchronized Optional<Exchange> tryEnter(Instant now) {
        if (endReason != null || readyAt == null || sandbox == null || agentInDoubt || hibernating || !sandbox.isAlive()) {
            return Optional.empty();
        }
        var exchange = new Exchange(this, agent);
        open.add(exchange);
        lastActivity = now;
        return Optional.of(exchange);
    }

    /** A request could not reach the agent: no new request enters until the agent is confirmed alive or the session ends. */
    synchronized void doubtAgent() {
        agentInDoubt = true;
    }

    synchronized boolean agentInDoubt() {
        return agentInDoubt && endReason == null;
    }

    synchronized void agentConfirmed() {
        agentInDoubt = false;
    }

    /** True when the agent's process has exited (its teardown may still run) but the session has not ended yet. */
    synchronized boolean sandboxDied() {
        return endReason == null && !hibernating && sandbox != null && !sandbox.isAlive();
    }

    synchronized void leave(Exchange exchange, Instant now) {
        if (open.remove(exchange)) {
            lastActivity = now;
        }
    }

    /** What ending left for the caller to do, outside the lock: abort the open exchanges, stop the sandbox. */
    record Teardown(List<Exchange> exchanges, Optional<Sandbox> sandbox) {}

    /** Records the end once; empty when it had already ended. No exchange can enter afterwards. */
    synchronized Optional<Teardown> end(EndReason reason, String detail, Instant now) {
        if (endReason != null) {
            return Optional.empty();
        }
        endReason = reason;
        endDetail = detail;
        endedAt = now;
        var exchanges = new ArrayList<>(open);
        open.clear();
        return Optional.of(new Teardown(exchanges, Optional.ofNullable(sandbox)));
    }

    synchronized boolean ended() {
        return endReason != null;
    }

    synchronized Optional<EndReason> endReason() {
        return Optional.ofNullable(endReason);
    }

    synchronized String endDetail() {
        return endDetail == null ? "" : endDetail;
    }

    /** True the first time only: an end already queued on a worker need not be queued again. */
    boolean queueEnd() {
        return endQueued.compareAndSet(false, true);
    }

    /** Claims the one ping slot of this session; false when a ping is in flight already. */
    boolean startPing() {
        return pinging.compareAndSet(false, true);
    }

    void pingDone() {
        pinging.set(false);
    }

    synchronized void pinged(boolean busy, Optional<Instant> timeOfLastUpdate) {
        failedPings = 0;
        agentBusy = busy;
        agentUpdate = timeOfLastUpdate;
    }

    /** Counts a failed ping; returns how many failed in a row, not counting those while requests were in flight. */
    synchronized int pingFailed() {
        if (!open.isEmpty()) {
            return 0;
        }
        return ++failedPings;
    }

    /**
     * Idle time as AgentCore measures it: a request in flight or an agent reporting HealthyBusy is never idle;
     * otherwise idleness runs from the later of the last request's end and the agent's {@code time_of_last_update}.
     */
    synchronized Duration idleFor(Instant now) {
        if (readyAt == null || !open.isEmpty() || agentBusy) {
            return Duration.ZERO;
        }
        Instant since = lastActivity;
        if (agentUpdate.isPresent() && agentUpdate.get().isAfter(since)) {
            since = agentUpdate.get().isAfter(now) ? now : agentUpdate.get();
        }
        return Duration.between(since, now);
    }

    synchronized SessionInfo info() {
        SessionState state;
        if (endReason != null) {
            state = SessionState.TERMINATED;
        } else if (hibernating) {
            state = SessionState.HIBERNATING;
        } else if (readyAt == null) {
            state = SessionState.PROVISIONING;
        } else if (!open.isEmpty() || agentBusy) {
            state = SessionState.ACTIVE;
        } else {
            state = SessionState.IDLE;
        }
        return new SessionInfo(
                key.runtimeId(),
                key.endpointName(),
                deployment.version(),
                key.sessionId(),
                sandboxId,
                driver,
                state,
                createdAt,
                Optional.ofNullable(readyAt),
                lastActivity,
                open.size(),
                readyAt == null ? Optional.empty() : Optional.of(agentBusy ? "HealthyBusy" : "Healthy"),
                Optional.ofNullable(endedAt),
                Optional.ofNullable(endReason).map(EndReason::wireName),
                Optional.ofNullable(endDetail),
                logFile.toString(),
                Optional.ofNullable(agent).map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()),
                io.hearth.deployment.Deployments.ownerOf(deployment),
                key.owner(),
                deployment.idleTimeout(),
                deployment.maxLifetime());
    }
}
