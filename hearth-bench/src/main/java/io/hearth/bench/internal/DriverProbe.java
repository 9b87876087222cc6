package io.hearth.bench.internal;

import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxDrivers;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether Hearth can open an isolation driver on this host, asked the way the server asks: by opening it. Drivers
 * come and go with the host's tools (bwrap, runsc, root), so this is decided per run, never assumed.
 */
public final class DriverProbe {
    private DriverProbe() {}

    /** Empty when {@code driver} opens here; otherwise why not, in the driver's own words. */
    public static Optional<String> unavailable(String driver, Path scratch) {
        try (SandboxDriver opened = SandboxDrivers.open(driver, scratch)) {
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return Optional.of(message);
        }
    }
}
