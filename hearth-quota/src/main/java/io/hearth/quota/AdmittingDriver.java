package io.hearth.quota;

import static java.util.Objects.requireNonNull;

import io.hearth.sandbox.ReclaimReport;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxSpec;

/**
 * A driver that holds a live-sandbox slot for every sandbox it starts, from before the start until the sandbox's
 * exit completes (or the start fails): the count can only drift if a sandbox never ends.
 */
final class AdmittingDriver implements SandboxDriver {
    private final SandboxDriver driver;
    private final Quotas quotas;

    AdmittingDriver(SandboxDriver driver, Quotas quotas) {
        this.driver = requireNonNull(driver, "driver");
        this.quotas = requireNonNull(quotas, "quotas");
    }

    @Override
    public String name() {
        return driver.name();
    }

    @Override
    public String isolationSummary() {
        return driver.isolationSummary();
    }

    /** @throws QuotaRefusal.Exceeded when the node holds its cap of live sandboxes already */
    @Override
    public Sandbox start(SandboxSpec spec) {
        Lease slot = quotas.admitSandbox(spec.limits().memoryBytes());
        Sandbox sandbox;
        try {
            sandbox = driver.start(spec);
        } catch (RuntimeException | Error e) {
            slot.close();
            throw e;
        }
        sandbox.exit().whenComplete((exit, failure) -> slot.close());
        return sandbox;
    }

    @Override
    public java.util.Optional<io.hearth.sandbox.HibernationKind> hibernation() {
        return driver.hibernation();
    }

    @Override
    public ReclaimReport reclaimLeftovers() {
        return driver.reclaimLeftovers();
    }

    /** The wrapped driver belongs to whoever made it: closing this view leaves it open. */
    @Override
    public void close() {}
}
