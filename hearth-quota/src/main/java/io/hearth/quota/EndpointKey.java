package io.hearth.quota;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployment;

/** The scope of the per-endpoint rates: a tenant's runtime endpoint. */
public record EndpointKey(String tenant, String runtimeId, String endpointName) {
    public EndpointKey {
        requireNonNull(tenant, "tenant");
        requireNonNull(runtimeId, "runtimeId");
        requireNonNull(endpointName, "endpointName");
    }

    public static EndpointKey of(Caller caller, Deployment deployment) {
        return new EndpointKey(caller.tenant(), deployment.runtimeId(), deployment.endpointName());
    }

    /** {@code endpoint DEFAULT of agent runtime r-0123456789}, for messages. */
    public String describe() {
        return "endpoint " + endpointName + " of agent runtime " + runtimeId;
    }
}
