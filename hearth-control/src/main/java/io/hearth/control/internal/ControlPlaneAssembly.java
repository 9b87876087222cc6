package io.hearth.control.internal;

import io.hearth.api.AwsIdentity;
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

    public ControlPlaneAssembly(Store store, AwsIdentity identity, Path dataDir, Duration lifecycleFloor,
            Duration lifecycleCap, Executor background, Clock clock) {
        directory = new DeploymentDirectory(store);
        ArtifactLayout.migrate(dataDir.resolve("artifacts"), identity.accountId());
        var artifacts = new Artifacts(dataDir.resolve("artifacts"), dataDir.resolve("versions"));
        var idempotency = new Idempotency(store, clock);
        resolver = new VersionResolver(store, artifacts, directory, background, clock);
        runtimes = new RuntimeOperations(store, identity, idempotency, resolver, directory, artifacts, background,
                clock, lifecycleFloor, lifecycleCap);
        endpoints = new EndpointOperations(store, identity, idempotency, directory, clock);
        resolver.resumeInterrupted();
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
