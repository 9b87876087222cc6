package io.hearth.sandbox.internal;

import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A sandbox's directories in the v1 hierarchies. Limits go to memory, cpu and pids; cpuacct, where mounted apart,
 * gives CPU time. Directories in the other hierarchies are only ever made by runsc, and removed here too.
 */
record CgroupV1(Map<String, Path> byController, List<Path> everyHierarchy) implements SandboxCgroup {
    private static final List<String> OWN = List.of("memory", "cpu", "cpuacct", "pids");

    CgroupV1 {
        byController = Map.copyOf(byController);
        everyHierarchy = List.copyOf(everyHierarchy);
    }

    private Path dir(String controller) {
        Path dir = byController.get(controller);
        if (dir == null) {
            throw new IllegalStateException("controller: " + controller + " (expected: one of " + byController.keySet() + ")");
        }
        return dir;
    }

    private List<Path> ownDirs() {
        var dirs = new LinkedHashSet<Path>();
        for (String controller : OWN) {
            if (byController.containsKey(controller)) {
                dirs.add(byController.get(controller));
            }
        }
        return List.copyOf(dirs);
    }

    @Override
    public void create(ResourceLimits limits, long pidsMax) {
        for (Path dir : ownDirs()) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new SandboxException("cannot create cgroup " + dir + ": " + e.getMessage(), e);
            }
        }
        Path memory = dir("memory");
        CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
        // Without this, a host with swap would let the sandbox page out instead of meeting its limit.
        CgroupFiles.writeIfPresent(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(limits.memoryBytes()));
        CgroupFiles.writeIfPresent(memory.resolve("memory.swappiness"), "0");
        Path cpu = dir("cpu");
        CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
        CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(SandboxCgroup.cpuQuotaMicros(limits.vcpus())));
        CgroupFiles.write(dir("pids").resolve("pids.max"), Long.toString(pidsMax));
    }

    @Override
    public List<Path> procsFiles() {
        return ownDirs().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    @Override
    public List<Path> existingDirs() {
        return everyHierarchy.stream().filter(Files::isDirectory).toList();
    }

    @Override
    public Set<Long> pids() {
        var pids = new LinkedHashSet<Long>();
        for (Path dir : existingDirs()) {
            pids.addAll(CgroupFiles.pids(dir.resolve("cgroup.procs")));
        }
        return pids;
    }

    @Override
    public long oomKills() {
        return CgroupFiles.keyed(dir("memory").resolve("memory.oom_control"), "oom_kill");
    }

    @Override
    public Optional<SandboxUsage> usage() {
        Path memory = dir("memory");
        if (!Files.isDirectory(memory)) {
            return Optional.empty();
        }
        Path cpuacct = byController.get("cpuacct");
        long cpuNanos = cpuacct == null ? 0 : Math.max(0, CgroupFiles.number(cpuacct.resolve("cpuacct.usage")));
        Path pids = dir("pids");
        return Optional.of(new SandboxUsage(
                Duration.ofNanos(cpuNanos),
                CgroupFiles.keyed(dir("cpu").resolve("cpu.stat"), "nr_throttled"),
                Math.max(0, CgroupFiles.number(memory.resolve("memory.usage_in_bytes"))),
                CgroupFiles.number(memory.resolve("memory.max_usage_in_bytes")),
                Math.max(0, CgroupFiles.number(pids.resolve("pids.current"))),
                CgroupFiles.keyed(pids.resolve("pids.events"), "max")));
    }

    @Override
    public boolean killAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean empty = true;
        for (Path dir : existingDirs()) {
            long left = Math.max(0, deadline - System.nanoTime());
            empty &= CgroupFiles.killAll(dir.resolve("cgroup.procs"), Duration.ofNanos(left));
        }
        return empty;
    }

    @Override
    public void remove() {
        var dirs = new ArrayList<>(everyHierarchy);
        CgroupFiles.removeDirs(dirs);
    }
}
