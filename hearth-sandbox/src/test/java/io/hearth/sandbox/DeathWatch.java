package io.hearth.sandbox;

import java.time.Duration;

/** Watches a sandbox whose agent is about to exit, to tell whether isAlive() turned false before exit() completed. */
final class DeathWatch {
    private DeathWatch() {}

    /**
     * Spins until the sandbox's exit completes or {@code within} passes; true when some look saw the sandbox no
     * longer alive while its exit was still pending (the teardown after the process exit).
     */
    static boolean of(Sandbox sandbox, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        boolean deadBeforeExit = false;
        while (!sandbox.exit().isDone() && System.nanoTime() < deadline) {
            // Pending before and after the look at isAlive(): it was not alive while the exit was pending.
            boolean pendingBefore = !sandbox.exit().isDone();
            boolean dead = !sandbox.isAlive();
            if (pendingBefore && dead && !sandbox.exit().isDone()) {
                deadBeforeExit = true;
            }
            Thread.onSpinWait();
        }
        if (!sandbox.exit().isDone()) {
            throw new AssertionError("sandbox " + sandbox.id() + " did not end within " + within.toMillis() + " ms");
        }
        return deadBeforeExit;
    }
}
