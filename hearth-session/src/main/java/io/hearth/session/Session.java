package io.hearth.session;

import io.hearth.api.ApiException;
import io.hearth.deployment.Deployment;
import io.hearth.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One session's mutable state. Every field that changes is guarded by {@code this}; the ready future is the
 * one thing concurrent first requests wait on, so exactly one sandbox is built per session.
 */
final class Session {
    final SessionKey key;
    final Deployment deployment;
    final String sandboxId;
    final String driver;
    final Path logFile;
    final Instant createdAt;
    final CompletableFuture<Sandbox> ready = new CompletableFuture<>();
    private final Set<Exchange> open = ConcurrentHashMap.newKeySet();

    private Sandbox sandbox;
    private Instant readyAt;
    private Instant lastActivity;
    private Optional<Instant> agentUpdate = Optional.empty();
    private boolean agentBusy;
    private int inFlight;
    private int failedPings;
    private EndReason endReason;
    private String endDetail;
    private Instant endedAt;

    Session(SessionKey key, Deployment deployment, String sandboxId, String driver, Path logFile, Instant now) {
        this.key = key;
        this.deployment = deployment;
        this.sandboxId = sandboxId;
        this.driver = driver;
        this.logFile = logFile;
        this.createdAt = now;
        this.lastActivity = now;
    }

    synchronized void attach(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    synchronized Optional<Sandbox> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    synchronized void markReady(Instant now) {
        readyAt = now;
        lastActivity = now;
    }

    /** Waits for the sandbox, then counts a request in; empty when the session ended meanwhile. */
    Optional<Exchange> enter(Duration wait, Instant now) {
        Sandbox ready;
        try {
            ready = this.ready.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw ApiException.runtimeClient("session " + key.sessionId() + " could not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw ApiException.runtimeClient("session " + key.sessionId() + ": the agent was not ready within " + wait.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.runtimeClient("session " + key.sessionId() + ": interrupted while waiting for the agent");
        }
        synchronized (this) {
            if (endReason != null) {
                return Optional.empty();
            }
            inFlight++;
            lastActivity = now;
        }
        var exchange = new Exchange(this, ready.agentAddress());
        open.add(exchange);
        return Optional.of(exchange);
    }

    void leave(Exchange exchange, Instant now) {
        if (open.remove(exchange)) {
            synchronized (this) {
                inFlight--;
                lastActivity = now;
            }
        }
    }

    /** Records the end once; false when it had already ended. */
    synchronized boolean end(EndReason reason, String detail, Instant now) {
        if (endReason != null) {
            return false;
        }
        endReason = reason;
        endDetail = detail;
        endedAt = now;
        return true;
    }

    synchronized boolean ended() {
        return endReason != null;
    }

    Set<Exchange> openExchanges() {
        return Set.copyOf(open);
    }

    synchronized void pinged(boolean busy, Optional<Instant> timeOfLastUpdate) {
        failedPings = 0;
        agentBusy = busy;
        agentUpdate = timeOfLastUpdate;
    }

    /** Counts a failed ping; returns how many failed in a row, not counting those while requests were in flight. */
    synchronized int pingFailed() {
        if (inFlight > 0) {
            return 0;
        }
        return ++failedPings;
    }

    /**
     * Idle time as AgentCore measures it: a request in flight or an agent reporting HealthyBusy is never idle;
     * otherwise idleness runs from the later of the last request's end and the agent's {@code time_of_last_update}.
     */
    synchronized Duration idleFor(Instant now) {
        if (readyAt == null || inFlight > 0 || agentBusy) {
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
        } else if (readyAt == null) {
            state = SessionState.PROVISIONING;
        } else if (inFlight > 0 || agentBusy) {
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
                inFlight,
                readyAt == null ? Optional.empty() : Optional.of(agentBusy ? "HealthyBusy" : "Healthy"),
                Optional.ofNullable(endedAt),
                Optional.ofNullable(endReason).map(EndReason::wireName),
                Optional.ofNullable(endDetail),
                logFile.toString(),
                Optional.ofNullable(sandbox).map(s -> s.agentAddress().getAddress().getHostAddress() + ":" + s.agentAddress().getPort()));
    }
}
