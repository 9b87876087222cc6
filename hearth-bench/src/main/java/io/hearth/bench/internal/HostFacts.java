package io.hearth.bench.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the bench reads off the host: memory, the open-file limit, and the machine line of the report. */
public final class HostFacts {
    private HostFacts() {}

    /** {@code MemAvailable} from /proc/meminfo, in bytes: what new processes can still get without swapping. */
    public static long availableMemory() {
        return meminfo("MemAvailable:");
    }

    public static long totalMemory() {
        return meminfo("MemTotal:");
    }

    private static long meminfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("/proc/meminfo: cannot read " + key + " (" + e.getMessage() + ")", e);
        }
        throw new IllegalStateException("/proc/meminfo: no " + key + " line (expected: Linux 3.14 or newer)");
    }

    /** This process's soft limit on open files (RLIMIT_NOFILE), as the JVM raised it at start. */
    public static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 1024;
        }
        return 1024;
    }

    /** The 1-minute load average from /proc/loadavg; NaN when unreadable. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Heap in use after a full collection: what is retained, not garbage awaiting collection. */
    public static long retainedHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static Map<String, Object> machine() {
        var machine = new LinkedHashMap<String, Object>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memoryGiB", Math.round(totalMemory() / (double) (1L << 30)));
        machine.put("cpu", cpuModel());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("kernel", kernel());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("openFileLimit", openFileLimit());
        return machine;
    }

    /** The running kernel's release, from /proc/sys/kernel/osrelease. */
    private static String kernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
