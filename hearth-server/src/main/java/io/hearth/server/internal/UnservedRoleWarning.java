package io.hearth.server.internal;

import io.hearth.deployment.DeploymentListener;
import io.hearth.deployment.Deployments;
import io.hearth.identity.MetadataService;

/** Warns when an endpoint starts serving a version whose role has no credential source: its agents would get 404s. */
public final class UnservedRoleWarning implements DeploymentListener {
    private final Deployments deployments;
    private final MetadataService metadata;

    public UnservedRoleWarning(Deployments deployments, MetadataService metadata) {
        this.deployments = deployments;
        this.metadata = metadata;
    }

    @Override
    public void endpointMoved(String runtimeId, String endpointName, String version) {
        try {
            var deployment = deployments.resolve(runtimeId, endpointName);
            metadata.warnIfUnserved(deployment.runtimeArn(), deployment.identity());
        } catch (RuntimeException e) {
            // The endpoint changed again meanwhile: the next move warns.
        }
    }
}
