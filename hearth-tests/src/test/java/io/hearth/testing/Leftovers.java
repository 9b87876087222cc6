package io.hearth.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looks for what a sandbox may leave behind: processes whose environment, command line or cgroup names it. The
 * cgroup catches agents of the isolating drivers, whose environment is cleared and whose paths are private.
 */
public final class Leftovers {
    private Leftovers() {}

    /** Pids of live processes whose environment, command line or cgroup contains {@code marker} (a data dir, a sandbox id). */
    public static List<Long> processesMentioning(String marker) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> Long.parseLong(p.getFileName().toString()) != ProcessHandle.current().pid())
                    .filter(p -> running(p))
                    .filter(p -> mentions(p.resolve("environ"), marker) || mentions(p.resolve("cmdline"), marker)
                            || mentions(p.resolve("cgroup"), marker))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Everything of one sandbox still on the host: live processes naming it, cgroup directories and mounts named
     * after it, and (isolating drivers) its network namespace while no live server holds its slot. Empty when it
     * left nothing. {@code agentAddress} is the session's {@code host:port} as the sessions API reports it.
     */
    public static List<String> ofSandbox(String sandboxId, String agentAddress) {
        var leaks = new java.util.ArrayList<String>();
        processesMentioning(sandboxId).forEach(pid -> leaks.add("process " + pid));
        try (Stream<Path> dirs = Files.find(Path.of("/sys/fs/cgroup"), 8,
                (p, a) -> a.isDirectory() && p.getFileName() != null && p.getFileName().toString().equals(sandboxId))) {
            dirs.forEach(d -> leaks.add("cgroup " + d));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new AssertionError("cannot walk /sys/fs/cgroup", e);
        }
        try {
            Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .filter(line -> line.contains(sandboxId))
                    .forEach(line -> leaks.add("mount " + line));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        networkSlot(agentAddress).ifPresent(slot -> {
            if (Files.exists(Path.of("/run/netns/hearth-" + slot)) && !slotHeld(slot)) {
                leaks.add("netns hearth-" + slot);
            }
        });
        return leaks;
    }

    /** Mounts whose source or mount point lies under {@code root}, besides {@code root} itself. */
    public static List<String> mountsUnder(Path root) {
        try {
            String prefix = root.toAbsolutePath().normalize() + "/";
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .filter(line -> line.contains(prefix))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The network slot of an isolated sandbox's address (10.201.0.0/16, a /30 each); none for the process driver. */
    private static java.util.Optional<Integer> networkSlot(String agentAddress) {
        String host = agentAddress.startsWith("/") ? agentAddress.substring(1) : agentAddress;
        host = host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        String[] parts = host.split("\\.");
        if (parts.length != 4 || !parts[0].equals("10") || !parts[1].equals("201")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of((Integer.parseInt(parts[2]) * 256 + Integer.parseInt(parts[3])) / 4);
    }

    /**
     * Whether a live process holds the slot's lock ({@code /run/hearth/slots/<n>}): then the netns is another
     * server's, made after ours ended, not a leak.
     */
    private static boolean slotHeld(int slot) {
        try {
            long inode = (Long) Files.getAttribute(Path.of("/run/hearth/slots", Integer.toString(slot)), "unix:ino");
            return Files.readAllLines(Path.of("/proc/locks")).stream()
                    .map(line -> line.trim().split("\\s+"))
                    .anyMatch(f -> f.length > 5 && f[5].endsWith(":" + inode));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether the process runs: it exists and is no zombie. A zombie has ended and holds nothing but its pid until
     * its parent (after a server's SIGKILL, the init process) reaps it.
     */
    public static boolean running(long pid) {
        return running(Path.of("/proc", Long.toString(pid)));
    }

    private static boolean running(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean mentions(Path file, String marker) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).contains(marker);
        } catch (IOException | SecurityException e) {
            return false; // the process ended while we looked, or is not ours to read
        }
    }
}
