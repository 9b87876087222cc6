package io.hearth.sandbox;

import io.hearth.sandbox.internal.ProcessDriver;
import java.nio.file.Path;
import java.time.Duration;

/** Opens the driver an operator asked for, with its state under {@code <data-dir>/sandboxes/<driver>}. */
public final class SandboxDrivers {
    private SandboxDrivers() {}

    public static SandboxDriver open(String isolation, Path sandboxesDir) {
        return switch (isolation) {
            case "process" -> new ProcessDriver(sandboxesDir.resolve("process"), Duration.ofSeconds(2));
            default -> throw new IllegalArgumentException("isolation: " + isolation + " (expected: process)");
        };
    }
}
