package io.hearth.sandbox.internal;

import io.hearth.sandbox.ResourceLimits;
import io.hearth.sandbox.SandboxUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The cgroups of one sandbox: its limits, its usage, and the means to empty and remove it. */
sealed interface SandboxCgroup permits CgroupV1, CgroupV2 {

    /** Period of the CFS quota; 100 ms is the kernel's default and keeps throttling coarse enough to be cheap. */
    long CPU_PERIOD_MICROS = 100_000;

    /** Creates the directories and writes the limits, with {@code pidsMax} host tasks (the runtime's own included). */
    void create(ResourceLimits limits, long pidsMax);

    /** The {@code cgroup.procs} files a launcher writes its own pid into before it execs the sandbox. */
    List<Path> procsFiles();

    /** Directories of this sandbox that exist now, in any hierarchy. */
    List<Path> existingDirs();

    Set<Long> pids();

    long oomKills();

    Optional<SandboxUsage> usage();

    /**
     * SIGKILLs every process until none is left or {@code timeout} passes; returns whether it is empty.
     * A fork bomb keeps forking while we kill, so this loops rather than trusting one pass.
     */
    boolean killAll(Duration timeout);

    /** Removes the directories; a cgroup that still has processes stays and is reported by {@link #existingDirs()}. */
    void remove();

    static long cpuQuotaMicros(double vcpus) {
        return Math.max(1000, Math.round(vcpus * CPU_PERIOD_MICROS));
    }
}
