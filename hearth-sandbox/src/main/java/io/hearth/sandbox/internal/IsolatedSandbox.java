package io.hearth.sandbox.internal;

import io.hearth.api.Workers;
import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.HibernationImage;
import io.hearth.sandbox.HibernationKind;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.SandboxExit;
import io.hearth.sandbox.SandboxProcess;
import io.hearth.sandbox.SandboxUsage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running namespaces or gVisor sandbox: its launcher process, and the teardown that follows the launcher's exit. */
final class IsolatedSandbox implements DriverLifecycle.Stoppable {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatedSandbox.class);
    /** Runs each sandbox's teardown once its launcher has ended: host tools, unmounts and file removal. */
    private static final Workers TEARDOWN = Workers.bounded("hearth-isolated-teardown", 16, 100_000);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    /** After SIGKILL, how long stop() waits for the teardown (host tools, unmounts) before it returns anyway. */
    private static final Duration TEARDOWN_WAIT = KILL_TIMEOUT.plusSeconds(20);

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
    private final int uid;
    private final Map<String, String> environment;
    private final ExecRegistry execs;

    private final SandboxDisk disk;
    private final Optional<StorageDisk> storage;
    /** Where the teardown saves the files when the sandbox hibernates; set once, before it is asked to end. */
    private final AtomicReference<Path> hibernateTo = new AtomicReference<>();
    private final CompletableFuture<Void> saved = new CompletableFuture<>();

    IsolatedSandbox(IsolatedDriver driver, String id, Path dir, Process launcher, InetSocketAddress address,
            SandboxCgroup cgroup, NetworkSlots.Lease lease, ResourceLimits limits, int uid,
            Map<String, String> environment, SandboxDisk disk, Optional<StorageDisk> storage) {
        this.disk = disk;
        this.storage = storage;
        this.driver = driver;
        this.id = id;
        this.dir = dir;
        this.launcher = launcher;
        this.address = address;
        this.cgroup = cgroup;
        this.lease = lease;
        this.limits = limits;
        this.uid = uid;
        this.environment = Map.copyOf(environment);
        this.execs = new ExecRegistry(id);
        // Teardown runs host tools and deletes files: not on the thread that reaps the launcher, unless the teardown
        // workers refuse it, since an exit nobody completes would block every stop() after it.
        launcher.onExit().whenComplete((p, failure) -> DriverLifecycle.runOrInline(TEARDOWN, this::ended));
    }

    Process launcher() {
        return launcher;
    }

    SandboxCgroup cgroup() {
        return cgroup;
    }

    /** The sandbox's state directory on the host, removed with it. */
    Path dir() {
        return dir;
    }

    /** The host uid the agent and every program exec'd beside it run as. */
    int uid() {
        return uid;
    }

    private void ended() {
        // Until the cgroup tells otherwise: whatever goes wrong below, the exit completes with this.
        int code = launcher.exitValue();
        SandboxExit why = stopRequested.get() ? new SandboxExit.Stopped()
                : code > 128 ? new SandboxExit.Signalled(code - 128) : new SandboxExit.Exited(code);
        try {
            execs.closeAll();
            // The launcher is gone; whatever it left inside (a daemonized child, runsc's sandbox) goes too.
            if (!cgroup.killAll(KILL_TIMEOUT)) {
                LOG.warn("sandbox {}: processes {} survived SIGKILL for {}", id, cgroup.pids(), KILL_TIMEOUT);
            }
            if (!stopRequested.get() && cgroup.oomKills() > 0) {
                why = new SandboxExit.OutOfMemory(limits.memoryBytes());
            }
            keepFiles();
            driver.release(id, dir, cgroup, lease.slot());
        } catch (RuntimeException e) {
            LOG.warn("sandbox {}: teardown failed; reclaim at the next start removes the rest", id, e);
        } finally {
            try {
                lease.release();
            } catch (RuntimeException e) {
                LOG.warn("sandbox {}: cannot release network slot {}", id, lease.slot(), e);
            } finally {
                LOG.debug("sandbox {} ended: {}", id, why.detail());
                exit.complete(why);
            }
        }
    }

    /**
     * What must outlive the sandbox, saved while its disk is still mounted and nothing runs on it: the session's
     * storage always, the hibernation image's files when it hibernates. A failure to save one does not stop the other,
     * nor the teardown.
     */
    private void keepFiles() {
        try {
            storage.ifPresent(StorageDisk::persist);
        } catch (RuntimeException e) {
            LOG.error("sandbox {}: cannot keep its session storage", id, e);
        }
        Path image = hibernateTo.get();
        if (image == null) {
            return;
        }
        try {
            DiskCopies.save(disk, image);
            saved.complete(null);
        } catch (RuntimeException e) {
            saved.completeExceptionally(e);
        }
    }

    @Override
    public HibernationImage hibernate(Path image) {
        if (!launcher.isAlive() || stopRequested.get() || !hibernateTo.compareAndSet(null, image)) {
            throw new SandboxException("sandbox " + id + " cannot hibernate: it has ended or is ending");
        }
        // A stop from here on is this one: the exit reports a stop, and no one else signals the agent.
        stopRequested.set(true);
        boolean memory;
        try {
            Files.createDirectories(image);
            memory = driver.checkpoint(this, image.resolve(MEMORY));
        } catch (IOException | RuntimeException e) {
            LOG.warn("sandbox {}: cannot save its memory; keeping its files only", id, e);
            memory = false;
        }
        if (!memory && launcher.isAlive()) {
            try {
                driver.requestStop(this);
            } catch (RuntimeException e) {
                LOG.warn("sandbox {}: cannot ask its agent to end; killing it", id, e);
            }
        }
        await(launcher.onExit(), driver.stopGrace);
        if (launcher.isAlive()) {
            forceStop();
        }
        await(exit, TEARDOWN_WAIT);
        if (!exit.isDone()) {
            throw new SandboxException("sandbox " + id + ": its teardown did not finish; the hibernation image is incomplete");
        }
        try {
            saved.get(1, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new SandboxException("sandbox " + id + ": cannot save its files: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new SandboxException("sandbox " + id + ": its files were not saved", e);
        }
        var owner = disk.owner();
        return new HibernationImage(image, memory ? HibernationKind.MEMORY : HibernationKind.FILESYSTEM,
                DiskCopies.size(image), owner.uid(), owner.gid());
    }

    private static void await(CompletableFuture<?> future, Duration timeout) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the caller looks at what is done
        }
    }

    /** The directory of a hibernation image that holds the saved memory, when there is one. */
    static final String MEMORY = "memory";

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

    /**
     * The launcher's exit, not the teardown's end. Under bwrap it follows the agent's at once (bwrap's init ends with
     * the agent it started, and bwrap with it); runsc run returns once the container's process has ended and runsc
     * has removed the container, the first the host can tell of it.
     */
    @Override
    public boolean isAlive() {
        return launcher.isAlive();
    }

    @Override
    public Optional<SandboxUsage> usage() {
        return exit.isDone() ? Optional.empty() : cgroup.usage();
    }

    @Override
    public SandboxProcess exec(ExecSpec spec) {
        execs.admit(launcher.isAlive() && !stopRequested.get());
        var env = new LinkedHashMap<>(environment);
        env.putAll(spec.environment());
        return execs.register(driver.exec(this, spec, env));
    }

    @Override
    public boolean requestStop() {
        if (!stopRequested.compareAndSet(false, true) || !launcher.isAlive()) {
            return false;
        }
        try {
            driver.requestStop(this);
        } catch (RuntimeException e) {
            LOG.warn("sandbox {}: cannot ask its agent to end; killing it", id, e);
            forceStop();
        }
        return true;
    }

    @Override
    public CompletableFuture<?> processExit() {
        return launcher.onExit();
    }

    @Override
    public void forceStop() {
        try {
            cgroup.killAll(KILL_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("sandbox {}: cannot kill the processes of its cgroup", id, e);
        } finally {
            launcher.destroyForcibly();
        }
    }

    @Override
    public void stop() {
        DriverLifecycle.stopOne(this, driver.stopGrace, TEARDOWN_WAIT);
    }

    /** For a start that lost the race with close(): kills it without a grace. */
    void discard() {
        DriverLifecycle.discard(this, TEARDOWN_WAIT);
    }
}
