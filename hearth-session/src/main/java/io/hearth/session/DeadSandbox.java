package io.hearth.session;

import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxExit;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Why a session whose agent's process has exited ends. A sandbox reports its exit (and with it an out-of-memory
 * kill) only once its teardown is over, which is later than its process is seen gone: this waits a bounded time for
 * that report, and falls back to "the agent exited".
 */
record DeadSandbox(EndReason reason, String detail) {

    static DeadSandbox of(Sandbox sandbox, Duration wait) {
        return reported(sandbox, wait)
                .map(exit -> new DeadSandbox(SessionEnder.reasonFor(exit), exit.detail()))
                .orElseGet(() -> new DeadSandbox(EndReason.AGENT_EXITED, "the agent's process exited"));
    }

    /** The exit the sandbox reported within {@code wait}; empty when it has not (its teardown is still running). */
    static Optional<SandboxExit> reported(Sandbox sandbox, Duration wait) {
        try {
            return Optional.ofNullable(sandbox.exit().get(wait.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
