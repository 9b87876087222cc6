package io.hearth.deployment;

/** The control plane as the data plane sees it: read-only resolution plus change notifications. */
public interface Deployments {

    /**
     * Resolves a data-plane call's target.
     *
     * @param runtimeId the agent runtime id (the router has already taken it out of an ARN)
     * @param qualifier the endpoint name; {@code DEFAULT} when the caller gave none
     * @throws io.hearth.api.ApiException.NotFound when the runtime or the endpoint does not exist
     * @throws io.hearth.api.ApiException.Conflict when the runtime or endpoint is not READY to serve
     */
    Deployment resolve(String runtimeId, String qualifier);

    /**
     * Resolves a data-plane call's target for a caller of {@code tenant} (a 12-digit account): another tenant's
     * runtime is not found, with the message of one that does not exist, and before anything else about it (its
     * endpoints, whether it is READY) is told.
     */
    default Deployment resolve(String tenant, String runtimeId, String qualifier) {
        Deployment deployment = resolve(runtimeId, qualifier);
        if (!ownerOf(deployment).equals(tenant)) {
            throw io.hearth.api.ApiException.notFound("Agent runtime " + runtimeId + " not found");
        }
        return deployment;
    }

    /** The account that owns the deployment's runtime: the one in its ARN. */
    static String ownerOf(Deployment deployment) {
        String[] parts = deployment.runtimeArn().split(":", 6);
        return parts.length == 6 ? parts[4] : "";
    }

    /**
     * The deployment if it is resolved already and nothing changed since: a lookup that never blocks, for the data
     * plane's hot path. Empty means "ask {@link #resolve}", not "does not exist".
     */
    default java.util.Optional<Deployment> cached(String runtimeId, String qualifier) {
        return java.util.Optional.empty();
    }

    /** What every endpoint serves now: one deployment per endpoint that has a live version. */
    java.util.List<Deployment> serving();

    void addListener(DeploymentListener listener);
}
