package io.hearth.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a run had the machine to itself. The load average alone cannot say during the run, since the bench itself
 * (Hearth, wrk, the agents) keeps every core busy; so besides the load average at start, this counts the CPU time
 * the whole machine spent ({@code /proc/stat}) minus what the bench's own processes spent (this JVM and every
 * process it started, reaped ones included through {@code cutime}): what remains is other work. A load average at
 * start above half the cores, or other work above a tenth of them during the run, marks it a loaded machine.
 */
public final class MachineLoad {
    /** Clock ticks per second of /proc's CPU times: USER_HZ, 100 on every Linux architecture the bench runs on. */
    private static final double TICKS_PER_SECOND = 100;
    /** Load average per core at start above which the machine was busy before the bench began. */
    private static final double LOADED_AT_START = 0.5;
    /**
     * Cores' worth of CPU, per core, other processes may use on average during the run: lower than the start limit,
     * because the bench keeps every core busy, so whatever others get they take from it.
     */
    private static final double LOADED_DURING = 0.1;

    /** Busy CPU, per core, below which {@link #settle} takes the machine as quiet. */
    private static final double QUIET_PER_CORE = 0.1;
    private static final Duration SETTLE_WINDOW = Duration.ofMillis(500);

    private final int cores;
    private final double loadAtStart;
    private final long machineTicksAtStart;
    private final long ownTicksAtStart;
    private final long startedNanos;
    private double loadMax;

    private MachineLoad(int cores) {
        this.cores = cores;
        this.loadAtStart = HostFacts.loadAverage();
        this.loadMax = loadAtStart;
        this.machineTicksAtStart = machineBusyTicks();
        this.ownTicksAtStart = ownTicks();
        this.startedNanos = System.nanoTime();
    }

    /** Takes the first readings: call before the bench starts anything. */
    public static MachineLoad start() {
        return new MachineLoad(Runtime.getRuntime().availableProcessors());
    }

    public double loadAtStart() {
        return loadAtStart;
    }

    /** What {@link #settle} saw: how long it waited, and whether the machine went quiet in that time. */
    public record Settled(double seconds, boolean quiet, double busyCores) {}

    /**
     * Waits, up to {@code max}, until the machine's CPUs are nearly idle over half a second: what one section leaves
     * running (sandboxes still being torn down, a server's collector, the kernel freeing thousands of sockets) must
     * not land in the next section's figures. Baselines and Hearth are measured alike either way; this keeps a
     * section's figures from depending on the one before.
     */
    public Settled settle(Duration max) {
        long started = System.nanoTime();
        double busy = Double.NaN;
        while (true) {
            long before = machineBusyTicks();
            long window = System.nanoTime();
            try {
                Thread.sleep(SETTLE_WINDOW);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long after = machineBusyTicks();
            if (before < 0 || after < 0) {
                break;
            }
            busy = (after - before) / TICKS_PER_SECOND / ((System.nanoTime() - window) / 1e9);
            if (busy < QUIET_PER_CORE * cores) {
                return new Settled((System.nanoTime() - started) / 1e9, true, busy);
            }
            if (System.nanoTime() - started >= max.toNanos()) {
                break;
            }
        }
        return new Settled((System.nanoTime() - started) / 1e9, false, busy);
    }

    /** Reads the load average again (between measurements), keeping the highest. */
    public void sample() {
        double now = HostFacts.loadAverage();
        if (now > loadMax) {
            loadMax = now;
        }
    }

    /**
     * The final readings, as the report's machine facts: call once everything the bench started has ended, so its
     * CPU time is in this JVM's {@code cutime}.
     */
    public Map<String, Object> finish() {
        sample();
        double loadAtEnd = HostFacts.loadAverage();
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        long machine = machineBusyTicks() - machineTicksAtStart;
        long own = ownTicks() - ownTicksAtStart;
        double otherCores = machine < 0 || own < 0 ? Double.NaN : Math.max(0, machine - own) / TICKS_PER_SECOND / seconds;
        var reasons = new StringBuilder();
        if (loadAtStart > LOADED_AT_START * cores) {
            reasons.append(String.format(Locale.ROOT, "load average %.2f at start > %.1f (half the cores)", loadAtStart,
                    LOADED_AT_START * cores));
        }
        if (otherCores > LOADED_DURING * cores) {
            reasons.append(reasons.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT,
                    "other processes used %.2f cores on average during the run > %.1f (a tenth of the cores)", otherCores,
                    LOADED_DURING * cores));
        }
        var facts = new LinkedHashMap<String, Object>();
        facts.put("loadAverageAtStart", loadAtStart);
        facts.put("loadAverageAtEnd", loadAtEnd);
        facts.put("loadAverageMax", loadMax);
        facts.put("otherProcessesCores", otherCores);
        facts.put("loadedMachine", !reasons.isEmpty());
        facts.put("loadedBecause", reasons.toString());
        return facts;
    }

    /** Ticks every CPU spent running anything (user, nice, system, interrupts), from /proc/stat's first line. */
    private static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...: idle, iowait and steal are not this machine's work
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6]) + Long.parseLong(f[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Ticks this JVM, its live descendants and every descendant already reaped have spent. */
    private static long ownTicks() {
        long total = processTicks(ProcessHandle.current().pid());
        if (total < 0) {
            return -1;
        }
        for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
            total += Math.max(0, processTicks(child.pid()));
        }
        return total;
    }

    /** utime + stime + cutime + cstime of one process; -1 when it is gone. */
    private static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
            // f[0] is field 3 (state): utime, stime, cutime, cstime are fields 14 to 17
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
