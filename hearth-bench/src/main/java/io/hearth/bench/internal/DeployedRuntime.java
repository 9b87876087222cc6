package io.hearth.bench.internal;

import static java.util.Objects.requireNonNull;

/** A runtime the bench created through Hearth's control plane. */
public record DeployedRuntime(String id, String arn, String name) {
    public DeployedRuntime {
        requireNonNull(id, "id");
        requireNonNull(arn, "arn");
        requireNonNull(name, "name");
        if (!arn.startsWith("arn:")) {
            throw new IllegalArgumentException("arn: " + arn + " (expected: an agent runtime ARN)");
        }
    }
}
