package io.hearth.sandbox.internal;

import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A sandbox's cgroup in the unified (v2) hierarchy, under {@code /hearth/<driver>}. */
record CgroupV2(Path unified, Path driverBase, Path dir) implements SandboxCgroup {
    private static final String CONTROLLERS = "+cpu +memory +pids";

    @Override
    public void create(ResourceLimits limits, long pidsMax) {
        // Each ancestor must hand the controllers down before the sandbox's own cgroup can use them.
        CgroupFiles.write(unified.resolve("cgroup.subtree_control"), CONTROLLERS);
        for (Path ancestor : List.of(driverBase.getParent(), driverBase)) {
            try {
                Files.createDirectories(ancestor);
            } catch (IOException e) {
                throw new SandboxException("cannot create cgroup " + ancestor + ": " + e.getMessage(), e);
            }
            CgroupFiles.write(ancestor.resolve("cgroup.subtree_control"), CONTROLLERS);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SandboxException("cannot create cgroup " + dir + ": " + e.getMessage(), e);
        }
        CgroupFiles.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
        CgroupFiles.writeIfPresent(dir.resolve("memory.swap.max"), "0");
        CgroupFiles.write(dir.resolve("cpu.max"), SandboxCgroup.cpuQuotaMicros(limits.vcpus()) + " " + CPU_PERIOD_MICROS);
        CgroupFiles.write(dir.resolve("pids.max"), Long.toString(pidsMax));
    }

    @Override
    public List<Path> procsFiles() {
        return List.of(dir.resolve("cgroup.procs"));
    }

    @Override
    public List<Path> existingDirs() {
        return Files.isDirectory(dir) ? List.of(dir) : List.of();
    }

    @Override
    public Set<Long> pids() {
        return CgroupFiles.pids(dir.resolve("cgroup.procs"));
    }

    @Override
    public long oomKills() {
        return CgroupFiles.keyed(dir.resolve("memory.events"), "oom_kill");
    }

    @Override
    public Optional<SandboxUsage> usage() {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Path cpuStat = dir.resolve("cpu.stat");
        return Optional.of(new SandboxUsage(
                Duration.ofNanos(CgroupFiles.keyed(cpuStat, "usage_usec") * 1000),
                CgroupFiles.keyed(cpuStat, "nr_throttled"),
                Math.max(0, CgroupFiles.number(dir.resolve("memory.current"))),
                CgroupFiles.number(dir.resolve("memory.peak")),
                Math.max(0, CgroupFiles.number(dir.resolve("pids.current"))),
                CgroupFiles.keyed(dir.resolve("pids.events"), "max")));
    }

    @Override
    public boolean killAll(Duration timeout) {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        // cgroup.kill (Linux 5.14) kills atomically, forks in flight included; the loop covers older kernels.
        CgroupFiles.writeIfPresent(dir.resolve("cgroup.kill"), "1");
        return CgroupFiles.killAll(dir.resolve("cgroup.procs"), timeout);
    }

    @Override
    public void remove() {
        CgroupFiles.removeDirs(List.of(dir));
    }
}
