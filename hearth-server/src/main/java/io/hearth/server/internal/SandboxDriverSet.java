package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.Workers;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.HearthTags;
import io.hearth.sandbox.ReclaimReport;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxDrivers;
import io.hearth.sandbox.SandboxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox drivers of one node: the server's default, plus any other a runtime asks for with the
 * {@code hearth:isolation} tag, each opened on first use and kept until shutdown.
 */
public final class SandboxDriverSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxDriverSet.class);
    private static final List<String> CONCRETE = List.of("gvisor", "namespaces", "process");

    private final Path sandboxesDir;
    private final SandboxDriver defaultDriver;
    private final Map<String, SandboxDriver> open = new ConcurrentHashMap<>();

    /** @throws SandboxException when the default isolation cannot run here (the message says why and what to do) */
    public SandboxDriverSet(String isolation, Path sandboxesDir) {
        this.sandboxesDir = sandboxesDir;
        this.defaultDriver = SandboxDrivers.open(isolation, sandboxesDir);
        open.put(defaultDriver.name(), defaultDriver);
    }

    public SandboxDriver defaultDriver() {
        return defaultDriver;
    }

    /** The driver a deployment runs under: its {@code hearth:isolation} tag, else the server's default. */
    public SandboxDriver forDeployment(Deployment deployment) {
        String wanted = deployment.settings().isolation().orElse(defaultDriver.name());
        try {
            return open.computeIfAbsent(wanted, name -> SandboxDrivers.open(name, sandboxesDir));
        } catch (SandboxException e) {
            throw ApiException.runtimeClient("agent runtime " + deployment.runtimeId() + " asks for isolation " + wanted
                    + " (tag " + HearthTags.ISOLATION + "), which cannot run on this node: " + e.getMessage());
        }
    }

    /** The sandbox, of any open driver, whose connections come from {@code source}. */
    public java.util.Optional<String> sandboxAt(java.net.InetAddress source) {
        for (SandboxDriver driver : open.values()) {
            var id = driver.sandboxAt(source);
            if (id.isPresent()) {
                return id;
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Removes what a previous run left, for every driver that has state on disk, whichever was the default then.
     * A driver that cannot run any more cannot clean up either: that is logged, loudly.
     */
    public List<ReclaimReport> reclaimLeftovers() {
        var reports = new ArrayList<ReclaimReport>();
        for (String name : CONCRETE) {
            if (!open.containsKey(name) && !hasState(name)) {
                continue;
            }
            try {
                SandboxDriver driver = open.computeIfAbsent(name, n -> SandboxDrivers.open(n, sandboxesDir));
                reports.add(driver.reclaimLeftovers());
            } catch (SandboxException e) {
                LOG.error("sandboxes of driver {} were left by a previous run in {}, but the driver cannot run now to "
                        + "remove them: {}", name, sandboxesDir.resolve(name), e.getMessage());
            }
        }
        return reports;
    }

    private boolean hasState(String name) {
        Path dir = sandboxesDir.resolve(name);
        try (var entries = Files.list(dir)) {
            // Only sandbox directories count: a driver may keep shared state (gVisor's root) beside them.
            return entries.anyMatch(p -> p.getFileName().toString().startsWith("sb-"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Closes every open driver at once (each stops what it still runs, starting sandboxes included), waiting up to
     * {@code grace} for them all.
     */
    public void close(Duration grace) {
        List<SandboxDriver> drivers = List.copyOf(open.values());
        Workers closing = Workers.bounded("hearth-driver-close", Math.max(1, drivers.size()), 0);
        for (SandboxDriver driver : drivers) {
            closing.execute(() -> {
                try {
                    driver.close();
                } catch (RuntimeException e) {
                    LOG.warn("closing sandbox driver {} failed", driver.name(), e);
                }
            });
        }
        if (!closing.close(grace)) {
            LOG.warn("sandbox drivers did not close within {} ms", grace.toMillis());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
