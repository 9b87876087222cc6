package io.hearth.control.internal;

import io.hearth.api.AwsIdentity;
import io.hearth.control.ArtifactSettings;
import io.hearth.control.EndpointApi;
import io.hearth.control.RuntimeApi;
import io.hearth.deployment.Deployments;
import io.hearth.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;

/** Wires the control plane's parts once; the public facade exposes the operations and the deployments. */
public final class ControlPlaneAssembly {
    private final DeploymentDirectory directory;
    private final RuntimeOperations runtimes;
    private final EndpointOperations endpoints;
    private final VersionResolver resolver;
    private final ArtifactSource source;
    private final ContainerImages images;

    public ControlPlaneAssembly(Store store, AwsIdentity identity, Path dataDir, Duration lifecycleFloor,
            Duration lifecycleCap, Executor background, Clock clock) {
        this(store, identity, dataDir, ArtifactSettings.DEFAULT, lifecycleFloor, lifecycleCap, background, clock);
    }

    public ControlPlaneAssembly(Store store, AwsIdentity identity, Path dataDir, ArtifactSettings settings,
            Duration lifecycleFloor, Duration lifecycleCap, Executor background, Clock clock) {
        directory = new DeploymentDirectory(store);
        ArtifactLayout.migrate(dataDir.resolve("artifacts"), identity.accountId());
        source = settings.s3().<ArtifactSource>map(s3 -> new S3ArtifactSource(s3, dataDir.resolve("cache").resolve("s3"),
                settings.limits())).orElseGet(() -> new LocalArtifactSource(dataDir.resolve("artifacts")));
        images = new ContainerImages(dataDir.resolve("images"), settings.registries());
        var artifacts = new Artifacts(source, settings.limits(), dataDir.resolve("versions"), images);
        var idempotency = new Idempotency(store, clock);
        resolver = new VersionResolver(store, artifacts, directory, background, clock, settings.defaultDriver());
        runtimes = new RuntimeOperations(store, identity, idempotency, resolver, directory, artifacts, background,
                clock, lifecycleFloor, lifecycleCap);
        endpoints = new EndpointOperations(store, identity, idempotency, directory, clock);
        resolver.resumeInterrupted();
    }

    /** Closes what reads artifacts (the S3 client's connections, the image store); resolutions still running fail. */
    public void close() {
        images.close();
        if (source instanceof S3ArtifactSource s3) {
            s3.close();
        }
    }

    public Deployments directory() {
        return directory;
    }

    DeploymentDirectory deploymentDirectory() {
        return directory;
    }

    public RuntimeApi runtimeApi() {
        return runtimes;
    }

    public EndpointApi endpointApi() {
        return endpoints;
    }

    public RuntimeApi runtimeApi(String tenant) {
        return runtimes.as(tenant);
    }

    public EndpointApi endpointApi(String tenant) {
        return endpoints.as(tenant);
    }

    RuntimeOperations runtimes() {
        return runtimes;
    }

    EndpointOperations endpoints() {
        return endpoints;
    }

    VersionResolver resolver() {
        return resolver;
    }
}
