package io.hearth.sandbox.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.HibernationKind;
import io.hearth.sandbox.ReclaimReport;
import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the namespaces and gVisor drivers share: per sandbox a state directory under the driver's root (with the
 * record a restarted server reclaims from), a network slot with its netns and veth, cgroups, a size-bounded
 * disk (workspace, /tmp and a private copy-on-write layer over the code or image) and a host uid of its own; the
 * subclass only says how to launch the agent inside them.
 */
abstract class IsolatedDriver implements SandboxDriver {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatedDriver.class);

    /** Each slot's sandbox runs as its own host uid, so no two sandboxes share file ownership or may signal each other. */
    static final int UID_BASE = 1_900_000_000;

    /** An empty directory each namespaces launcher binds over, in a mount namespace of its own, to stage bind sources. */
    static final Path STAGE = Path.of("/run/hearth/stage");
    /** The launcher's whole environment: from /, with PATH alone, as the sandbox's init inherits both. */
    private static final Map<String, String> LAUNCH_ENVIRONMENT = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");

    final Path stateRoot;
    /** The read-only root sandboxes of code runtimes share (images bring their own). */
    final BaseRoot base;
    final CgroupLayout cgroups;
    final Duration stopGrace;
    private final Map<String, IsolatedSandbox> running = new ConcurrentHashMap<>();
    /** Sandboxes by source address, and the host interface of those with a metadata route, from before spawn to teardown. */
    private final Map<InetAddress, String> byAddress = new ConcurrentHashMap<>();
    private final Map<String, String> metadataInterfaces = new ConcurrentHashMap<>();
    private final NetworkPool networks = new NetworkPool(2);
    private final DriverLifecycle lifecycle = new DriverLifecycle(name());

    /** @param baseRoot where the shared base of this driver's sandboxes is laid out */
    IsolatedDriver(Path stateRoot, Duration stopGrace, Path baseRoot) {
        this.stateRoot = requireNonNull(stateRoot, "stateRoot").toAbsolutePath().normalize();
        this.stopGrace = requireNonNull(stopGrace, "stopGrace");
        this.cgroups = CgroupLayout.detect();
        try {
            Files.createDirectories(this.stateRoot);
            // Only root may look inside: workspaces and bundles of every sandbox live below.
            Files.setPosixFilePermissions(this.stateRoot, PosixFilePermissions.fromString("rwx------"));
            Files.createDirectories(STAGE);
            Files.setPosixFilePermissions(STAGE.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(STAGE, PosixFilePermissions.fromString("rwxr-xr-x"));
            this.base = BaseRoot.ofHost(baseRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create sandbox state directory " + this.stateRoot, e);
        }
        EgressFirewall.install();
        networks.warm();
    }

    /** How this driver runs the agent, given everything already built for it. */
    abstract List<String> launchCommand(SandboxSpec spec, Launch launch);

    /** The host's pids limit for a sandbox: its processes, and the tasks its runtime needs to run them. */
    abstract long hostTaskLimit(ResourceLimits limits);

    /** Asks the agent to end: the launcher has started it and is still alive. */
    abstract void requestStop(IsolatedSandbox sandbox);

    /**
     * Starts a program inside a running sandbox of this driver, as its agent's uid, in its namespaces and cgroups, with
     * {@code environment} (the agent's, then the spec's); the sandbox registers and ends it.
     */
    abstract ExecProcess exec(IsolatedSandbox sandbox, ExecSpec spec, Map<String, String> environment);

    /** Removes runtime state that outlives the sandbox's processes (runsc's container state), by sandbox id. */
    void removeRuntimeState(String id) {}

    /** Runtime state of sandboxes this driver does not run, for reclaim. */
    List<String> runtimeLeftovers() {
        return List.of();
    }

    /**
     * Whom the agent's writable directories belong to, as the kernel that checks its accesses sees it: under
     * namespaces the host's (the sandbox's uid, whatever id it has inside its user namespace).
     */
    SandboxDisk.Owner agentOwner(SandboxSpec spec, int uid) {
        return new SandboxDisk.Owner(uid, uid);
    }

    /**
     * Everything a launch command refers to.
     *
     * @param merged the copy-on-write view of the code or image, already mounted
     */
    record Launch(Path dir, Path workspace, SandboxNetwork network, SandboxCgroup cgroup, int uid, SandboxDisk disk,
            Path merged, Optional<Path> storage) {}

    /**
     * Whom the new sandbox's files belong to: a sandbox resumed from memory keeps its old agent's ids, which its
     * restored processes still run as; any other, the ids this start gives its agent.
     */
    private SandboxDisk.Owner owner(SandboxSpec spec, int uid) {
        return spec.resume().filter(image -> image.kind() == HibernationKind.MEMORY && resumesMemory())
                .map(image -> new SandboxDisk.Owner(image.uid(), image.gid()))
                .orElse(agentOwner(spec, uid));
    }

    /** Whether this driver restores a hibernated sandbox's memory. */
    boolean resumesMemory() {
        return false;
    }

    /**
     * Makes the directory a mount is laid on, where the launcher cannot: in the shared base, read-only to every sandbox,
     * where an empty directory is a mount point and nothing more. An image's root is the sandbox's own copy.
     */
    private void prepareMountPoint(SandboxSpec spec, String path) throws IOException {
        if (spec.image().isEmpty()) {
            Files.createDirectories(base.root().resolve(path.substring(1)));
        }
    }

    /**
     * Saves the running sandbox's memory into {@code dir}, which ends it; false when this driver cannot, or the save
     * failed (the sandbox may then have ended too, and its files are still kept).
     */
    boolean checkpoint(IsolatedSandbox sandbox, Path dir) {
        return false;
    }

    @Override
    public java.util.Optional<HibernationKind> hibernation() {
        return Optional.of(resumesMemory() ? HibernationKind.MEMORY : HibernationKind.FILESYSTEM);
    }

    @Override
    public final Sandbox start(SandboxSpec spec) {
        requireNonNull(spec, "spec");
        lifecycle.beginStart(spec.id());
        try {
            IsolatedSandbox sandbox = launch(spec);
            // Registered only while the driver is open; a start that lost the race with close() stops what it made.
            if (!lifecycle.register(() -> {
                running.put(sandbox.id(), sandbox);
                sandbox.exit().whenComplete((exit, failure) -> running.remove(sandbox.id()));
            })) {
                sandbox.discard();
                throw lifecycle.closedError(sandbox.id());
            }
            return sandbox;
        } finally {
            lifecycle.endStart();
        }
    }

    private IsolatedSandbox launch(SandboxSpec spec) {
        String id = spec.id();
        Path dir = stateRoot.resolve(id);
        Path lower = SandboxDisk.lower(spec);
        if (!Files.isDirectory(lower)) {
            throw new SandboxException("sandbox " + id + ": " + (spec.image().isPresent() ? "image root " : "code directory ")
                    + lower + " does not exist (expected: a directory)");
        }
        if (running.containsKey(id) || Files.exists(dir)) {
            throw new SandboxException("sandbox " + id + ": already exists in " + stateRoot + " (expected: a new id)");
        }
        long t0 = System.nanoTime();
        NetworkPool.Prepared prepared = networks.take(spec.network(), spec.metadata());
        NetworkSlots.Lease lease = prepared.lease();
        SandboxNetwork network = prepared.network();
        if (prepared.route().isPresent()) {
            metadataInterfaces.put(id, network.hostInterface()); // release() removes the mapping with the rest
        }
        int uid = UID_BASE + lease.slot();
        SandboxCgroup cgroup = cgroups.of(name(), id);
        Process process = null;
        try {
            // Searchable, not listable: the namespaces launcher binds it, with its mounts, for bwrap to open as the
            // sandbox's uid. Nothing else of that uid can reach it, under the root-only state root.
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
            Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
            var record = new SandboxRecord(name(), id, lease.slot(), -1, Instant.EPOCH);
            record.write(dir); // before anything else of the sandbox exists on the host
            cgroup = cgroups.create(name(), id, spec.limits(), hostTaskLimit(spec.limits()));
            long t1 = System.nanoTime();
            SandboxDisk disk = SandboxDisk.mount(dir, spec.limits().workspaceBytes(), owner(spec, uid));
            disk.seed(spec);
            if (spec.resume().isPresent()) {
                var image = spec.resume().get();
                DiskCopies.restore(image.dir(), disk, new SandboxDisk.Owner(image.uid(), image.gid()));
            }
            Optional<StorageDisk> storage = Optional.empty();
            if (spec.storage().isPresent()) {
                storage = Optional.of(StorageDisk.mount(dir, spec.storage().get(), disk.owner()));
                prepareMountPoint(spec, spec.storage().get().mountPath());
            }
            Path merged = dir.resolve("merged");
            Files.createDirectory(merged);
            disk.mountOverlay(lower, merged);
            byAddress.put(network.sandboxAddress(), id);
            long t2 = System.nanoTime();
            var launch = new Launch(dir, disk.workspace(), network, cgroup, uid, disk, merged, storage.map(StorageDisk::root));
            if (spec.image().isEmpty()) {
                base.refresh();
            }
            // From /, with PATH alone: the sandbox's init inherits both, and a host path would tell the agent where it is.
            process = Spawner.start(SpawnSpec.logged(launchCommand(spec, launch), Path.of("/"), LAUNCH_ENVIRONMENT,
                    spec.logFile().toAbsolutePath(), false));
            record.withProcess(process.toHandle()).write(dir);
            LOG.debug("sandbox {}: launched in {} ms (network and cgroups {} ms, disk {} ms, spawn {} ms)", id,
                    millis(System.nanoTime() - t0), millis(t1 - t0), millis(t2 - t1), millis(System.nanoTime() - t2));
            var address = new InetSocketAddress(network.sandboxAddress(), spec.agentPort());
            // From here the sandbox's own teardown releases everything: nothing below may throw.
            return new IsolatedSandbox(this, id, dir, process, address, cgroup, lease, spec.limits(), uid,
                    AgentEnvironment.of(spec), disk, storage);
        } catch (IOException | RuntimeException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            try {
                cgroup.killAll(Duration.ofSeconds(5));
                release(id, dir, cgroup, lease.slot());
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
                LOG.warn("sandbox {}: cleanup after a failed start failed; reclaim at the next start removes the rest",
                        id, cleanup);
            } finally {
                lease.release();
            }
            if (e instanceof SandboxException se) {
                throw new SandboxException("sandbox " + id + ": cannot start: " + se.getMessage(), se);
            }
            throw new SandboxException("sandbox " + id + ": cannot start " + spec.command() + ": " + e.getMessage(), e);
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** Removes, in order, what a sandbox held once its processes are gone. The network slot lock stays with the caller. */
    void release(String id, Path dir, SandboxCgroup cgroup, int slot) {
        byAddress.values().remove(id);
        String metadataInterface = metadataInterfaces.remove(id);
        if (metadataInterface != null) {
            MetadataNat.unmap(metadataInterface);
        }
        removeRuntimeState(id);
        cgroup.remove();
        Mounts.unmountUnder(dir);
        SandboxNetwork.destroy(slot);
        ProcessTree.deleteRecursively(dir);
    }

    @Override
    public final Optional<String> sandboxAt(InetAddress source) {
        return Optional.ofNullable(byAddress.get(source));
    }

    @Override
    public final ReclaimReport reclaimLeftovers() {
        var removed = new ArrayList<String>();
        try (var dirs = Files.list(stateRoot)) {
            for (Path dir : dirs.toList()) {
                String id = dir.getFileName().toString();
                if (!SandboxIdCheck.matches(id) || running.containsKey(id)) {
                    continue;
                }
                reclaim(id, dir);
                removed.add(id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + stateRoot, e);
        }
        for (String id : runtimeLeftovers()) {
            if (!running.containsKey(id)) {
                cgroups.of(name(), id).killAll(Duration.ofSeconds(5));
                removeRuntimeState(id);
                cgroups.of(name(), id).remove();
                removed.add(id + " (runtime state)");
            }
        }
        // Empty sandbox cgroups no record names (a teardown cut short): removed once they are old enough that no
        // server sharing this cgroup parent can be about to start a sandbox in them. Ones with processes belong to
        // someone's live sandbox and are left alone.
        for (String id : cgroups.existingSandboxes(name())) {
            SandboxCgroup orphan = cgroups.of(name(), id);
            if (!running.containsKey(id) && !Files.exists(stateRoot.resolve(id)) && abandoned(orphan)) {
                orphan.remove();
                removed.add(id + " (empty cgroup)");
            }
        }
        // Slots are host-wide: a metadata route, netns or veth whose slot no live process holds belongs to a dead run,
        // of any server (a killed server leaves the routes of its sandboxes and of the networks it prepared). Routes
        // are not reported: other servers' dead runs leave them at any time, and they hold nothing but a map entry.
        var deadRoutes = new ArrayList<String>();
        var deadLeases = new ArrayList<NetworkSlots.Lease>();
        for (String hostInterface : MetadataNat.mappedInterfaces()) {
            int slot = Integer.parseInt(hostInterface.substring(SandboxNetwork.HOST_PREFIX.length() + 1));
            var lease = slot < NetworkSlots.COUNT ? NetworkSlots.tryLease(slot) : Optional.<NetworkSlots.Lease>empty();
            if (lease.isPresent()) {
                deadRoutes.add(hostInterface);
                deadLeases.add(lease.get());
            }
        }
        try {
            MetadataNat.unmapAll(deadRoutes);
        } finally {
            deadLeases.forEach(NetworkSlots.Lease::release);
        }
        if (!deadRoutes.isEmpty()) {
            LOG.info("{} driver removed the metadata routes of {} network slots no live process holds", name(),
                    deadRoutes.size());
        }
        for (int slot : SandboxNetwork.slotsInUseOnHost()) {
            NetworkSlots.tryLease(slot).ifPresent(lease -> {
                SandboxNetwork.destroy(slot);
                lease.release();
                removed.add(SandboxNetwork.NETNS_PREFIX + slot);
            });
        }
        if (!removed.isEmpty()) {
            LOG.info("{} driver reclaimed what a previous run left: {}", name(), removed);
        }
        return new ReclaimReport(name(), removed);
    }

    private static boolean abandoned(SandboxCgroup cgroup) {
        Instant settled = Instant.now().minus(Duration.ofMinutes(1));
        for (Path procs : cgroup.procsFiles()) {
            try {
                if (!CgroupFiles.pids(procs).isEmpty()
                        || Files.getLastModifiedTime(procs.getParent()).toInstant().isAfter(settled)) {
                    return false;
                }
            } catch (IOException | SandboxException e) {
                // gone meanwhile, or not in this hierarchy: nothing to keep
            }
        }
        return true;
    }

    private void reclaim(String id, Path dir) {
        var record = SandboxRecord.read(dir);
        SandboxCgroup cgroup = cgroups.of(name(), id);
        cgroup.killAll(Duration.ofSeconds(5));
        record.flatMap(SandboxRecord::liveProcess).ifPresent(ProcessHandle::destroyForcibly);
        int slot = record.map(SandboxRecord::slot).orElse(-1);
        if (slot >= 0) {
            var lease = NetworkSlots.tryLease(slot);
            if (lease.isPresent()) {
                release(id, dir, cgroup, slot);
                lease.get().release();
                return;
            }
        }
        // No slot recorded, or a live process still holds it (then it is not ours to take): leave the network alone.
        removeRuntimeState(id);
        cgroup.remove();
        Mounts.unmountUnder(dir);
        ProcessTree.deleteRecursively(dir);
    }

    @Override
    public void close() {
        networks.close();
        lifecycle.close(() -> List.copyOf(running.values()), stopGrace);
        base.close();
    }
}
