package io.hearth.control;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployments;
import io.hearth.api.AwsIdentity;
import io.hearth.control.internal.ArtifactLayout;
import io.hearth.control.internal.ControlPlaneAssembly;
import io.hearth.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * The control plane: agent runtimes, their immutable versions and endpoints, and artifacts (docs/wire-contract.md §3).
 * It carries out the AWS control-plane operations ({@link #runtimes()}, {@link #endpoints()}; the server's edge
 * routes HTTP to them) and tells the data plane what to run through {@link #deployments()}; it never touches
 * sandboxes and knows nothing of HTTP.
 */
public final class ControlPlane implements AutoCloseable {
    private final ControlPlaneAssembly parts;
    private final Store store;

    /** Where a tenant's artifacts are stored: {@code <dataDir>/artifacts/<tenant>}, whose children are its buckets. */
    public static Path artifactsOf(Path dataDir, String tenant) {
        return ArtifactLayout.tenantDir(dataDir.toAbsolutePath().normalize().resolve("artifacts"), tenant);
    }

    /**
     * @param dataDir        artifacts are read from {@code <dataDir>/artifacts/<tenant>/<bucket>/<prefix>}, the runtime
     *                       owner's (an old layout's {@code <dataDir>/artifacts/<bucket>} is moved under the
     *                       identity's account at start); each version's code is unpacked under {@code <dataDir>/versions}
     * @param lifecycleFloor the smallest idle timeout or max lifetime accepted (AgentCore: 60 s)
     * @param lifecycleCap   the largest (AgentCore: 28,800 s; an operator may raise it)
     * @param background     runs artifact resolution off the request thread
     */
    public ControlPlane(Store store, AwsIdentity identity, Path dataDir, Duration lifecycleFloor, Duration lifecycleCap,
            ExecutorService background) {
        this(store, identity, dataDir, ArtifactSettings.DEFAULT, lifecycleFloor, lifecycleCap, background);
    }

    /**
     * @param artifacts where {@code code.s3} is read from (Hearth's own store unless S3 settings are given) and how
     *                  much an artifact may unpack to
     */
    public ControlPlane(Store store, AwsIdentity identity, Path dataDir, ArtifactSettings artifacts,
            Duration lifecycleFloor, Duration lifecycleCap, ExecutorService background) {
        requireNonNull(store, "store");
        requireNonNull(artifacts, "artifacts");
        requireNonNull(identity, "identity");
        requireNonNull(dataDir, "dataDir");
        requireNonNull(background, "background");
        if (lifecycleFloor.isNegative() || lifecycleFloor.isZero() || lifecycleCap.compareTo(lifecycleFloor) < 0) {
            throw new IllegalArgumentException("lifecycle range: " + lifecycleFloor + " to " + lifecycleCap
                    + " (expected: 0 < floor <= cap)");
        }
        this.store = store;
        this.parts = new ControlPlaneAssembly(store, identity, dataDir, artifacts, lifecycleFloor, lifecycleCap,
                background, Clock.systemUTC());
    }

    /** The runtime operations acting for the server's own account. */
    public RuntimeApi runtimes() {
        return parts.runtimeApi();
    }

    public EndpointApi endpoints() {
        return parts.endpointApi();
    }

    /**
     * The runtime operations acting for {@code tenant} (a 12-digit account): they create runtimes in it, and treat
     * every other tenant's runtime as one that does not exist.
     */
    public RuntimeApi runtimes(String tenant) {
        return parts.runtimeApi(checkedTenant(tenant));
    }

    public EndpointApi endpoints(String tenant) {
        return parts.endpointApi(checkedTenant(tenant));
    }

    /** Whether the runtime exists and belongs to {@code tenant}: the Hearth-native APIs scope pools by it. */
    public boolean owns(String tenant, String runtimeId) {
        requireNonNull(runtimeId, "runtimeId");
        return store.transaction(tx -> tx.runtime(checkedTenant(tenant), runtimeId)).isPresent();
    }

    private static String checkedTenant(String tenant) {
        requireNonNull(tenant, "tenant");
        if (!tenant.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("tenant: " + tenant + " (expected: 12 digits)");
        }
        return tenant;
    }

    public Deployments deployments() {
        return parts.directory();
    }

    @Override
    public void close() {
        // Resolution tasks run on the server's background executor, which the server closes.
        parts.close();
    }
}
