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
        signalGroup(leader, "KILL");
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

    static void signalGroup(ProcessHandle leader, String signal) {
        try {
            var kill = new ProcessBuilder("/bin/kill", "-s", signal, "--", "-" + leader.pid())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run /bin/kill for process group " + leader.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
