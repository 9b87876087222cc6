package io.hearth.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** What {@code /proc} says about a process (its open-file limits, the descriptors it holds) and about loopback ports. */
final class ProcessFacts {
    private ProcessFacts() {}

    /** RLIMIT_NOFILE of {@code pid}: soft and hard; {@link Long#MAX_VALUE} for unlimited. */
    record FileLimit(long soft, long hard) {}

    static Optional<FileLimit> openFileLimit(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] values = line.substring("Max open files".length()).trim().split("\\s+");
                    return Optional.of(new FileLimit(limit(values[0]), limit(values[1])));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Descriptors {@code pid} holds now; -1 when it is gone. */
    static long openDescriptors(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Local ports a connection can take from loopback to one address: {@code ip_local_port_range}. */
    static int ephemeralPorts() {
        try {
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().trim().split("\\s+");
            return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        } catch (IOException | RuntimeException e) {
            return 28_232; // Linux's default range, 32768-60999
        }
    }

    /** Tasks (processes and threads) on the host now, from {@code /proc/loadavg}; -1 when unreadable. */
    static long hostTasks() {
        try {
            String field = Files.readAllLines(Path.of("/proc/loadavg")).getFirst().trim().split("\\s+")[3];
            return Long.parseLong(field.substring(field.indexOf('/') + 1));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * {@code kernel.pid_max}: every thread takes a pid, so it caps processes and threads together. Read by line:
     * procfs files report no size, and a whole-file read of this one came back cut short.
     */
    static long pidMax() {
        try {
            return Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).getFirst().trim());
        } catch (IOException | RuntimeException e) {
            return 32_768; // the kernel's default
        }
    }

    private static long limit(String value) {
        return value.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(value);
    }
}
