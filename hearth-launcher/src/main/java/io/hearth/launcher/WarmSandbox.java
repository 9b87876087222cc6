package io.hearth.launcher;

import static java.util.Objects.requireNonNull;

import io.hearth.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A sandbox started ahead of need: running, answering {@code /ping}, bound to no session. Whoever holds one owns
 * it and must either hand it to a session or stop it.
 *
 * @param version the runtime version it runs; it may only serve sessions of that version
 */
public record WarmSandbox(Sandbox sandbox, String driver, String version, Path logFile, Instant readyAt) {
    public WarmSandbox {
        requireNonNull(sandbox, "sandbox");
        requireNonNull(driver, "driver");
        requireNonNull(version, "version");
        requireNonNull(logFile, "logFile");
        requireNonNull(readyAt, "readyAt");
    }
}
