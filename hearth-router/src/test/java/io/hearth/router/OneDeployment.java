package io.hearth.router;

import io.hearth.api.ApiException;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.DeploymentListener;
import io.hearth.deployment.Deployments;
import java.util.List;
import java.util.Optional;

/**
 * Deployments that serve one runtime's DEFAULT endpoint: the router's tests need no control plane. With
 * {@code cached}, the non-blocking lookup finds it too, so warm calls take the data plane's fast path.
 */
record OneDeployment(String runtimeId, Deployment deployment, boolean cached) implements Deployments {
    @Override
    public Deployment resolve(String runtimeId, String qualifier) {
        if (!runtimeId.equals(this.runtimeId) || !qualifier.equals("DEFAULT")) {
            throw ApiException.notFound("no " + runtimeId + " " + qualifier);
        }
        return deployment;
    }

    @Override
    public Optional<Deployment> cached(String runtimeId, String qualifier) {
        return cached ? Optional.of(resolve(runtimeId, qualifier)) : Optional.empty();
    }

    @Override
    public List<Deployment> serving() {
        return List.of(deployment);
    }

    @Override
    public void addListener(DeploymentListener listener) {}
}
