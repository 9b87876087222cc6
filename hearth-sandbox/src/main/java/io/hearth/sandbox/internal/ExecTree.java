package io.hearth.sandbox.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * SIGKILLs a program started on the host and everything below it, including the process groups its members lead or
 * belong to (a shell with job control puts each job in a group of its own), but never the JVM's own group.
 */
final class ExecTree {
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(5);

    private ExecTree() {}

    /** Returns once nothing of the tree is alive, or after a bounded wait. */
    static void kill(ProcessHandle root) {
        long ownGroup = processGroup(ProcessHandle.current().pid()).orElse(-1);
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        freeze(root, deadline);
        var seen = new ArrayList<ProcessHandle>();
        while (true) {
            // Descendants first: once a parent dies, its children move to an init and out of sight.
            List<ProcessHandle> members = new ArrayList<>(root.descendants().toList());
            if (root.isAlive()) {
                members.add(root);
            }
            seen.addAll(members);
            Set<Long> groups = new HashSet<>();
            for (ProcessHandle member : members) {
                long group = processGroup(member.pid()).orElse(-1);
                if (group > 1 && group != ownGroup) {
                    groups.add(group);
                }
            }
            groups.forEach(group -> Libc.kill(-group, Libc.SIGKILL));
            members.forEach(ProcessHandle::destroyForcibly);
            if (seen.stream().noneMatch(ProcessHandle::isAlive) || System.nanoTime() > deadline) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops the tree (SIGSTOP) from the root down until no new member appears: a stopped process forks no more, so the
     * tree can then be listed whole. Without it, a child forked while its parent was being killed moved to an init
     * before anyone saw it, and a program that had made a session of its own (setsid) escaped every kill.
     */
    private static void freeze(ProcessHandle root, long deadline) {
        var stopped = new HashSet<Long>();
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> members = new ArrayList<>();
            if (root.isAlive()) {
                members.add(root);
            }
            members.addAll(root.descendants().toList());
            List<ProcessHandle> fresh = members.stream().filter(m -> stopped.add(m.pid())).toList();
            if (fresh.isEmpty()) {
                return;
            }
            fresh.forEach(m -> Libc.kill(m.pid(), Libc.SIGSTOP));
            // Stopped (or gone) before listing again: a fork under way completes first, and its child is listed.
            while (System.nanoTime() < deadline && fresh.stream().anyMatch(m -> running(m.pid()))) {
                Thread.onSpinWait();
            }
        }
    }

    /** Whether the process is neither stopped, a zombie, nor gone. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'T' && state != 't' && state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * SIGKILLs every process of the session {@code sid} leads or led: what a program started through setsid left
     * behind once it has exited itself (background jobs, reparented away from its tree). Never the JVM's session.
     * Returns once none of them runs any more (a killed process lingers until the signal is delivered), or after a
     * bounded wait.
     */
    static void killSession(long sid) {
        if (sid <= 1 || sessionOf(ProcessHandle.current().pid()).orElse(-1) == sid) {
            return;
        }
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        while (true) {
            List<Long> members = sessionMembers(sid);
            if (members.isEmpty() || System.nanoTime() > deadline) {
                return;
            }
            members.forEach(pid -> Libc.kill(pid, Libc.SIGKILL));
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The processes of session {@code sid} that still run (zombies have ended: only their parent's wait is left). */
    private static List<Long> sessionMembers(long sid) {
        var members = new ArrayList<Long>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                String name = proc.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    long pid = Long.parseLong(name);
                    if (sessionOf(pid).orElse(-1) == sid && !isZombie(pid)) {
                        members.add(pid);
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list /proc", e);
        }
        return members;
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return true; // gone already
        }
    }

    /** Field 5 of /proc/<pid>/stat; empty once the process is gone. */
    static OptionalLong processGroup(long pid) {
        return statField(pid, 2);
    }

    /** Field 6 of /proc/<pid>/stat. */
    static OptionalLong sessionOf(long pid) {
        return statField(pid, 3);
    }

    /** A numeric field of /proc/<pid>/stat, counted from the state field (0) after the command name. */
    private static OptionalLong statField(long pid, int index) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalLong.of(Long.parseLong(after[index]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
