package io.hearth.quota;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The host's memory as read once at start: {@code MemTotal} and {@code MemAvailable} from {@code /proc/meminfo}.
 *
 * @param totalBytes     all the host's memory
 * @param availableBytes what the host could give new work when Hearth started
 */
public record NodeMemory(long totalBytes, long availableBytes) {
    public NodeMemory {
        if (totalBytes < 1) {
            throw new IllegalArgumentException("totalBytes: " + totalBytes + " (expected: positive)");
        }
        if (availableBytes < 0 || availableBytes > totalBytes) {
            throw new IllegalArgumentException("availableBytes: " + availableBytes + " (expected: 0 to totalBytes " + totalBytes + ")");
        }
    }

    /** Reads {@code /proc/meminfo}; where there is none, the JVM's view of physical memory. */
    public static NodeMemory read() {
        try {
            return parse(Files.readString(Path.of("/proc/meminfo")));
        } catch (IOException | IllegalArgumentException e) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long total = os.getTotalMemorySize();
            return new NodeMemory(total, Math.min(total, os.getFreeMemorySize()));
        }
    }

    /** @throws IllegalArgumentException when {@code MemTotal} is missing */
    static NodeMemory parse(String meminfo) {
        OptionalLong total = field(meminfo, "MemTotal:");
        if (total.isEmpty()) {
            throw new IllegalArgumentException("meminfo: no MemTotal line (expected: /proc/meminfo)");
        }
        long available = field(meminfo, "MemAvailable:").orElse(total.getAsLong());
        return new NodeMemory(total.getAsLong(), Math.min(available, total.getAsLong()));
    }

    private static OptionalLong field(String meminfo, String name) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith(name)) {
                String[] parts = line.substring(name.length()).trim().split("\\s+");
                long kib = Long.parseLong(parts[0]);
                return OptionalLong.of(kib * 1024);
            }
        }
        return OptionalLong.empty();
    }
}
