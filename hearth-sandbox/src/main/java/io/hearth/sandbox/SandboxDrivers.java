package io.hearth.sandbox;

import io.hearth.sandbox.internal.DriverChecks;
import io.hearth.sandbox.internal.GvisorDriver;
import io.hearth.sandbox.internal.NamespacesDriver;
import io.hearth.sandbox.internal.ProcessDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the driver an operator asked for, with its state under {@code <data-dir>/sandboxes/<driver>}.
 *
 * <p>{@code auto} picks the strongest isolation that works on this host, gVisor then namespaces, and never falls back
 * to {@code process} by itself: running agents unisolated must be the operator's explicit choice.
 */
public final class SandboxDrivers {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxDrivers.class);

    public static final List<String> NAMES = List.of("auto", "gvisor", "namespaces", "process");
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private SandboxDrivers() {}

    public static SandboxDriver open(String isolation, Path sandboxesDir) {
        return switch (isolation) {
            case "process" -> new ProcessDriver(sandboxesDir.resolve("process"), STOP_GRACE);
            case "namespaces" -> openIsolating(DriverChecks.namespaces(), sandboxesDir);
            case "gvisor" -> openIsolating(DriverChecks.gvisor(), sandboxesDir);
            case "auto" -> openAuto(sandboxesDir, DriverChecks::gvisor, DriverChecks::namespaces);
            default -> throw new IllegalArgumentException(
                    "isolation: " + isolation + " (expected: one of " + String.join(", ", NAMES) + ")");
        };
    }

    /** Every driver and whether it can run here, with the reason: for the start-up log. Runs real probes (about a second). */
    public static List<DriverAvailability> availability() {
        return List.of(DriverChecks.gvisor(), DriverChecks.namespaces(), DriverChecks.process());
    }

    static SandboxDriver openAuto(Path sandboxesDir, Supplier<DriverAvailability> gvisorCheck,
            Supplier<DriverAvailability> namespacesCheck) {
        DriverAvailability gvisor = gvisorCheck.get();
        if (gvisor.available()) {
            return openIsolating(gvisor, sandboxesDir);
        }
        DriverAvailability namespaces = namespacesCheck.get();
        if (namespaces.available()) {
            LOG.warn("isolation auto: gvisor cannot run here ({}); using namespaces, which shares the host kernel",
                    gvisor.reason());
            return openIsolating(namespaces, sandboxesDir);
        }
        throw new IsolationUnavailableException("isolation auto: neither gvisor nor namespaces can run on this host ("
                + List.of(gvisor, namespaces).stream().map(a -> a.driver() + ": " + a.reason()).collect(Collectors.joining("; "))
                + ") (expected: one of them: install them with sudo ./hearth setup and run Hearth as root, or pass"
                + " --isolation process to run agents WITHOUT isolation)");
    }

    private static SandboxDriver openIsolating(DriverAvailability availability, Path sandboxesDir) {
        if (!availability.available()) {
            throw new IsolationUnavailableException("isolation " + availability.driver() + " cannot run on this host: "
                    + availability.reason());
        }
        Path root = sandboxesDir.resolve(availability.driver());
        return switch (availability.driver()) {
            case "namespaces" -> new NamespacesDriver(root, STOP_GRACE);
            case "gvisor" -> new GvisorDriver(root, STOP_GRACE);
            default -> throw new IllegalArgumentException(
                    "driver: " + availability.driver() + " (expected: namespaces or gvisor)");
        };
    }
}
