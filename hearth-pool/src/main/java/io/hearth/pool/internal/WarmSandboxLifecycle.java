package io.hearth.pool.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Workers;
import io.hearth.deployment.Deployment;
import io.hearth.launcher.SandboxLauncher;
import io.hearth.launcher.WarmSandbox;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts sandboxes for pools, and stops the ones pools let go. A launch owns its sandbox until its pool accepts it
 * ({@link Pool#offer}); a sandbox no pool accepted is stopped by whoever gives up on it. After {@link #close} no
 * launch begins, no launched sandbox enters a pool, and every sandbox a launch produced is stopped.
 */
public final class WarmSandboxLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(WarmSandboxLifecycle.class);
    private static final Duration LAUNCH_BACKOFF = Duration.ofSeconds(5);

    private final SandboxLauncher launcher;
    private final Clock clock;
    private final Workers workers;
    /** Sandboxes started by a launch and not yet accepted by a pool: removing one from here is taking charge of it. */
    private final Set<Sandbox> unplaced = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param maxPooled the node cap: launches never exceed it, so the workers run that many plus room for stops
     */
    public WarmSandboxLifecycle(SandboxLauncher launcher, Clock clock, int maxPooled) {
        this.launcher = requireNonNull(launcher, "launcher");
        this.clock = requireNonNull(clock, "clock");
        this.workers = Workers.bounded("hearth-pool", maxPooled + 16, 4 * maxPooled + 1_024);
    }

    /** Runs a short task (a reconcile pass) beside the launches; false when closed or too busy to take it. */
    public boolean run(Runnable task) {
        try {
            workers.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Starts one sandbox of {@code d} for {@code pool}; counted as starting until it is ready or has failed. */
    public void launch(Pool pool, Deployment d) {
        if (closed || !pool.launching()) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    launchNow(pool, d);
                } finally {
                    pool.launchEnded();
                }
            });
        } catch (RejectedExecutionException e) {
            pool.launchEnded();
            LOG.debug("pool {}: no launch now ({})", pool.key(), e.getMessage());
        }
    }

    private void launchNow(Pool pool, Deployment d) {
        if (closed) {
            return;
        }
        Instant started = clock.instant();
        long startedNanos = System.nanoTime();
        Sandbox sandbox = null;
        try {
            sandbox = launcher.start(d, SandboxIds.next());
            unplaced.add(sandbox);
            if (closed) {
                return; // the finally below stops it
            }
            launcher.awaitReady(d, sandbox, Instant.now(), () -> closed || !pool.wants(d));
            pool.measuredColdStart(Duration.ofNanos(System.nanoTime() - startedNanos));
            if (closed || !pool.wants(d)) {
                return;
            }
            var warm = new WarmSandbox(sandbox, launcher.driverName(d), d.version(),
                    launcher.logFile(d, sandbox.id()), clock.instant());
            // Taking it out of unplaced first means close() can no longer stop it: the pool must take it or we do.
            if (unplaced.remove(sandbox)) {
                if (pool.offer(warm)) {
                    sandbox.exit().thenRun(() -> pool.forget(warm));
                    sandbox = null;
                } else {
                    retire(sandbox, "its pool closed while it started");
                    sandbox = null;
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("pool {}: a sandbox failed to start ({}); retrying after {} s", pool.key(), e.getMessage(),
                        LAUNCH_BACKOFF.toSeconds());
                pool.backOff(started.plus(LAUNCH_BACKOFF));
            }
        } finally {
            if (sandbox != null && unplaced.remove(sandbox)) {
                retire(sandbox, closed ? "the pools are closing" : "it was no longer wanted when it became ready");
            }
        }
    }

    /** Stops the sandboxes a pool let go. */
    public void retire(List<WarmSandbox> released, String why) {
        released.forEach(w -> retire(w.sandbox(), why));
    }

    public void retire(Sandbox sandbox, String why) {
        LOG.debug("stopping pooled sandbox {}: {}", sandbox.id(), why);
        try {
            workers.execute(() -> stop(sandbox));
        } catch (RejectedExecutionException e) {
            stop(sandbox); // closing, or too many stops queued: stop it here rather than leave it behind
        }
    }

    /** Closes the pool and stops everything it held. */
    public void drain(Pool pool, String why) {
        retire(pool.close(), why);
    }

    /**
     * Refuses new launches, lets launches in flight give up (each stops its sandbox) and queued stops run for up to
     * {@code grace}, then stops whatever a launch still holds. The pools must already be closed.
     */
    public void close(Duration grace) {
        closed = true;
        if (!workers.close(grace)) {
            LOG.warn("pool launches and stops did not finish within {} ms; stopping what they hold here", grace.toMillis());
        }
        for (Sandbox sandbox : List.copyOf(unplaced)) {
            if (unplaced.remove(sandbox)) {
                stop(sandbox);
            }
        }
    }

    private static void stop(Sandbox sandbox) {
        try {
            sandbox.stop();
        } catch (RuntimeException e) {
            LOG.warn("pooled sandbox {} did not stop cleanly", sandbox.id(), e);
        }
    }
}
