package io.hearth.sandbox.internal;

import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxExit;
import io.hearth.sandbox.SandboxUsage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running namespaces or gVisor sandbox: its launcher process, and the teardown that follows the launcher's exit. */
final class IsolatedSandbox implements Sandbox {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatedSandbox.class);
    private static final Executor TEARDOWN = Executors.newVirtualThreadPerTaskExecutor();
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final IsolatedDriver driver;
    private final String id;
    private final Path dir;
    private final Process launcher;
    private final InetSocketAddress address;
    private final SandboxCgroup cgroup;
    private final NetworkSlots.Lease lease;
    private final ResourceLimits limits;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();

    IsolatedSandbox(IsolatedDriver driver, String id, Path dir, Process launcher, InetSocketAddress address,
            SandboxCgroup cgroup, NetworkSlots.Lease lease, ResourceLimits limits) {
        this.driver = driver;
        this.id = id;
        this.dir = dir;
        this.launcher = launcher;
        this.address = address;
        this.cgroup = cgroup;
        this.lease = lease;
        this.limits = limits;
        // Teardown runs host tools and deletes files: not on the JDK's process reaper thread.
        launcher.onExit().thenRunAsync(this::ended, TEARDOWN);
    }

    Process launcher() {
        return launcher;
    }

    SandboxCgroup cgroup() {
        return cgroup;
    }

    private void ended() {
        SandboxExit why;
        try {
            // The launcher is gone; whatever it left inside (a daemonized child, runsc's sandbox) goes too.
            if (!cgroup.killAll(KILL_TIMEOUT)) {
                LOG.warn("sandbox {}: processes {} survived SIGKILL for {}", id, cgroup.pids(), KILL_TIMEOUT);
            }
            long oomKills = cgroup.oomKills();
            driver.release(id, dir, cgroup, lease.slot());
            int code = launcher.exitValue();
            if (stopRequested.get()) {
                why = new SandboxExit.Stopped();
            } else if (oomKills > 0) {
                why = new SandboxExit.OutOfMemory(limits.memoryBytes());
            } else if (code > 128) {
                why = new SandboxExit.Signalled(code - 128);
            } else {
                why = new SandboxExit.Exited(code);
            }
        } catch (RuntimeException e) {
            LOG.warn("sandbox {}: teardown failed; reclaim at the next start removes the rest", id, e);
            why = stopRequested.get() ? new SandboxExit.Stopped() : new SandboxExit.Exited(launcher.exitValue());
        } finally {
            try {
                lease.release();
            } catch (RuntimeException e) {
                LOG.warn("sandbox {}: cannot release network slot {}", id, lease.slot(), e);
            }
        }
        LOG.debug("sandbox {} ended: {}", id, why.detail());
        exit.complete(why);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public InetSocketAddress agentAddress() {
        return address;
    }

    @Override
    public CompletableFuture<SandboxExit> exit() {
        return exit;
    }

    @Override
    public Optional<SandboxUsage> usage() {
        return exit.isDone() ? Optional.empty() : cgroup.usage();
    }

    @Override
    public void stop() {
        if (stopRequested.compareAndSet(false, true) && launcher.isAlive()) {
            driver.requestStop(this);
            try {
                if (!launcher.waitFor(driver.stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                    cgroup.killAll(KILL_TIMEOUT);
                    launcher.destroyForcibly();
                }
            } catch (InterruptedException e) {
                cgroup.killAll(KILL_TIMEOUT);
                launcher.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        exit.join();
    }
}
