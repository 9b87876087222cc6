package io.hearth.sandbox.internal;

import io.hearth.api.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Signals whole process groups and removes directories: the blunt tools of teardown. */
final class ProcessTree {
    private ProcessTree() {}

    /** SIGKILL to the group led by {@code leader} (started through setsid, so group id = its pid), then its stragglers. */
    static void killGroup(ProcessHandle leader) {
        var members = new java.util.ArrayList<ProcessHandle>(leader.descendants().toList());
        members.add(leader);
        members.forEach(ProcessHandle::destroyForcibly);
        try {
            signalGroup(leader, Libc.SIGKILL);
        } catch (Libc.NativeCallException e) {
            // EPERM: no member left that this user may signal; those it could were killed one by one above
        }
        // SIGKILL is delivered asynchronously: callers are promised that nothing of the group remains.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (members.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Sends {@code signal} to the process group {@code leader} leads; a group already gone is not an error. */
    static void signalGroup(ProcessHandle leader, int signal) {
        Libc.kill(-leader.pid(), signal);
    }

    /** Removes a sandbox's directory tree; a failure to is the caller's to report. */
    static void deleteRecursively(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
