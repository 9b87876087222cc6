package io.hearth.session;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Workers;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxExit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends sessions, each exactly once: records why in the history, takes it out of the directory (so its id names a
 * fresh session), releases whoever waits for it to be ready, aborts its open exchanges and stops its sandbox.
 */
final class SessionEnder {
    private static final Logger LOG = LoggerFactory.getLogger(SessionEnder.class);

    private final SessionDirectory directory;
    private final EndedSessions history;
    /** Session ids a budget ended, refused until stopped (docs/budgets.md). */
    final ExhaustedBudgets exhausted = new ExhaustedBudgets(10_000);
    /** Stopping a sandbox blocks (signals, waits, teardown): many at once, so a shutdown of hundreds is quick. */
    private final Workers workers = Workers.bounded("hearth-session-end", 256, 100_000);

    SessionEnder(SessionDirectory directory, EndedSessions history) {
        this.directory = requireNonNull(directory, "directory");
        this.history = requireNonNull(history, "history");
    }

    /** Ends the session on this thread; when it returns its sandbox is gone. */
    void end(Session session, EndReason reason, String detail) {
        record(session, reason, detail).ifPresent(sandbox -> stop(session, sandbox));
    }

    /**
     * Ends the session at once (no exchange can enter it, its id names a fresh session) and stops its sandbox on a
     * worker: for callers that must not block, such as the network thread of a warm request.
     */
    void endNowStopLater(Session session, EndReason reason, String detail) {
        record(session, reason, detail).ifPresent(sandbox -> run(() -> stop(session, sandbox)));
    }

    /** Ends the session on a worker, once however often it is asked: for the ticker and exit notifications. */
    void endLater(Session session, EndReason reason, String detail) {
        if (session.ended() || !session.queueEnd()) {
            return;
        }
        run(() -> end(session, reason, detail));
    }

    /** Ends every live session that matches, in parallel, waiting at most {@code within}; returns those not done. */
    int endWhere(Predicate<Session> which, EndReason reason, String detail, Duration within) {
        var ending = new ArrayList<CompletableFuture<Void>>();
        for (Session session : directory.where(which)) {
            var done = new CompletableFuture<Void>();
            ending.add(done);
            run(() -> {
                try {
                    end(session, reason, detail);
                } finally {
                    done.complete(null);
                }
            });
        }
        try {
            CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new)).get(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // counted below
        }
        return (int) ending.stream().filter(f -> !f.isDone()).count();
    }

    /** Stops taking work; what is running gets {@code grace} to finish. */
    boolean close(Duration grace) {
        return workers.close(grace);
    }

    static EndReason reasonFor(SandboxExit exit) {
        return switch (exit) {
            case SandboxExit.OutOfMemory oom -> EndReason.OOM;
            case SandboxExit.Stopped stopped -> EndReason.STOPPED;
            case SandboxExit.Exited exited -> EndReason.AGENT_EXITED;
            case SandboxExit.Signalled signalled -> EndReason.AGENT_EXITED;
        };
    }

    private Optional<Sandbox> record(Session session, EndReason reason, String detail) {
        Optional<Session.Teardown> teardown = session.end(reason, detail, Instant.now());
        if (teardown.isEmpty()) {
            return Optional.empty();
        }
        // Into the history before out of the directory: whoever sees it gone from live() finds why in all(). A
        // hibernated session has not ended: the sessions API lists it as asleep instead.
        if (reason != EndReason.HIBERNATED) {
            history.add(session.info());
        if (reason == EndReason.BUDGET) {
            exhausted.add(session.key, detail);
        }
        }
        directory.remove(session);
        session.releaseQuota();
        if (!session.ready.isDone()) {
            session.ready.completeExceptionally(reason == EndReason.START_FAILED
                    ? new SessionException.StartFailed(session.sessionId(), detail, null)
                    : new SessionException.Ended(session.sessionId(), reason, detail));
        }
        for (Exchange exchange : teardown.get().exchanges()) {
            try {
                exchange.abort(reason);
            } catch (RuntimeException e) {
                LOG.warn("session {}: aborting an open exchange failed", session.sessionId(), e);
            }
        }
        if (reason == EndReason.START_FAILED) {
            LOG.warn("session {} of {} failed to start: {}", session.sessionId(), session.key.runtimeId(), detail);
        } else {
            LOG.info("session {} of {} ended: {} ({})", session.sessionId(), session.key.runtimeId(), reason.wireName(), detail);
        }
        return teardown.get().sandbox();
    }

    private static void stop(Session session, Sandbox sandbox) {
        try {
            sandbox.stop();
        } catch (RuntimeException e) {
            LOG.error("sandbox {} of session {} did not stop cleanly", sandbox.id(), session.sessionId(), e);
        }
    }

    /** On a worker; inline when the workers refuse (shut down or full), since an end must never be lost. */
    private void run(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }
}
