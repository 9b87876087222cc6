package io.hearth.sandbox;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looks at the host itself, not at the driver, for anything a sandbox could leave behind: processes running as its
 * uid, cgroup directories, mounts, its netns and veth, runsc state and its state directory.
 */
public final class HostLeaks {
    static final int UID_BASE = 1_900_000_000;
    private static final int RANGE_BASE = (10 << 24) | (201 << 16);

    private HostLeaks() {}

    /** The network slot a sandbox's address belongs to (10.201.0.0/16, a /30 each, agent at +2). */
    static int slot(InetSocketAddress agent) {
        byte[] b = agent.getAddress().getAddress();
        int value = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        return (value - RANGE_BASE) / 4;
    }

    /** Live (not zombie) processes running as the sandbox's uid: how the namespaces driver runs agents. */
    static List<Long> processesOfUid(int slot) {
        String uid = Integer.toString(UID_BASE + slot);
        return liveProcesses(proc -> lines(proc.resolve("status")).stream()
                .anyMatch(line -> line.startsWith("Uid:") && List.of(line.split("\\s+")).contains(uid)));
    }

    /** Live processes in any cgroup of the sandbox: every driver puts all of a sandbox's processes there. */
    static List<Long> processesInCgroupsOf(String id) {
        return liveProcesses(proc -> lines(proc.resolve("cgroup")).stream().anyMatch(line -> line.endsWith("/" + id)));
    }

    /** Live processes whose environment holds {@code entry} ({@code NAME=value}): how a test marks what it starts. */
    public static List<Long> processesWithEnvironment(String entry) {
        return liveProcesses(proc -> List.of(read(proc.resolve("environ")).split("\0")).contains(entry));
    }

    /**
     * The marked processes once there are {@code count} of them, or those last seen after {@code within}. A process in
     * the middle of an exec shows an empty environment for a moment, so one look can miss a program that a shell is
     * replacing itself with.
     */
    public static List<Long> awaitProcessesWithEnvironment(String entry, int count, java.time.Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<Long> seen = processesWithEnvironment(entry);
        while (seen.size() != count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            seen = processesWithEnvironment(entry);
        }
        return seen;
    }

    /** Live processes whose command line, arguments joined by spaces, contains {@code fragment}. */
    public static List<Long> processesWithCommandLine(String fragment) {
        return liveProcesses(proc -> read(proc.resolve("cmdline")).replace('\0', ' ').contains(fragment));
    }

    /** SIGKILLs the given processes: a failed test's own cleanup, so one failure does not leak into the next. */
    public static void kill(List<Long> pids) {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // exited while we looked
        }
    }

    private static List<Long> liveProcesses(java.util.function.Predicate<Path> matches) {
        var found = new ArrayList<Long>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                if (matches.test(proc) && !isZombie(proc)) {
                    found.add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    /** A zombie has exited and holds nothing; it waits only for the host's init to reap it. */
    public static boolean isZombie(Path proc) {
        String stat = String.join(" ", lines(proc.resolve("stat")));
        int end = stat.lastIndexOf(')');
        return end < 0 || stat.length() < end + 3 || stat.charAt(end + 2) == 'Z' || stat.charAt(end + 2) == 'X';
    }

    public static boolean isAlive(long pid) {
        return Files.exists(Path.of("/proc", Long.toString(pid))) && !isZombie(Path.of("/proc", Long.toString(pid)));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of(); // exited while we looked
        }
    }

    /** Everything of the sandbox still on the host; empty when it left nothing. */
    static List<String> of(String id, int slot, Path stateRoot) {
        var leaks = new ArrayList<String>();
        processesOfUid(slot).forEach(pid -> leaks.add("process " + pid + " (uid " + (UID_BASE + slot) + ")"));
        processesInCgroupsOf(id).forEach(pid -> leaks.add("process " + pid + " (in a cgroup of " + id + ")"));
        try (Stream<Path> dirs = Files.find(Path.of("/sys/fs/cgroup"), 8,
                (p, a) -> a.isDirectory() && p.getFileName() != null && p.getFileName().toString().equals(id))) {
            dirs.forEach(d -> leaks.add("cgroup " + d));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new AssertionError("cannot walk /sys/fs/cgroup", e);
        }
        try {
            Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .filter(line -> line.contains(id))
                    .forEach(line -> leaks.add("mount " + line));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        // The overlay lives in its launcher's private mount namespace: any process still holding one names it.
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                lines(proc.resolve("mountinfo")).stream()
                        .filter(line -> line.contains(id))
                        .findFirst()
                        .ifPresent(line -> leaks.add("mount in the namespace of process " + proc.getFileName() + ": "
                                + line));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        if (Files.exists(Path.of("/run/netns/hearth-" + slot))) {
            leaks.add("netns hearth-" + slot);
        }
        for (String link : List.of("hearthp" + slot, "hearthn" + slot)) {
            if (Files.exists(Path.of("/sys/class/net", link))) {
                leaks.add("veth " + link);
            }
        }
        Path runsc = stateRoot.resolve("runsc");
        if (Files.isDirectory(runsc)) {
            try (Stream<Path> files = Files.list(runsc)) {
                files.filter(f -> f.getFileName().toString().contains(id)).forEach(f -> leaks.add("runsc state " + f));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        if (Files.exists(stateRoot.resolve(id))) {
            leaks.add("state directory " + stateRoot.resolve(id));
        }
        return leaks;
    }
}
